import { randomUUID } from 'node:crypto';
import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { StaffMember } from '../staff/staff-member.entity';

/**
 * Who downloaded which CSV export, when, over which period and filter, and how many rows it
 * held (null when the download was cut short). Written before the first byte is sent.
 */
@Entity({ tableName: 'data_export' })
@Index({ properties: ['staffMember', 'startedAt'] })
export class DataExport {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => StaffMember)
  staffMember!: StaffMember;

  /** tickets or refunds. */
  @Property({ type: 'string', length: 32 })
  kind!: string;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  periodFrom!: Date;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  periodTo!: Date;

  /** The filter as sent (the API's input; never a secret). */
  @Property({ type: 'json', nullable: true })
  filter?: Record<string, unknown> | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  startedAt: Date = new Date();

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  finishedAt?: Date | null = null;

  @Property({ type: 'integer', nullable: true })
  rowCount?: number | null = null;
}
