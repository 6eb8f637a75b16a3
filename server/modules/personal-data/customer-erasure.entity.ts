import { Entity, ManyToOne, OneToOne, Property } from '@mikro-orm/core';
import { Customer } from '../customer/customer.entity';
import { StaffMember } from '../staff/staff-member.entity';

/** A customer whose personal data was erased on request (who did it, when). */
@Entity()
export class CustomerErasure {
  @OneToOne(() => Customer, { primary: true, owner: true })
  customer!: Customer;

  @ManyToOne(() => StaffMember)
  erasedBy!: StaffMember;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  erasedAt!: Date;
}
