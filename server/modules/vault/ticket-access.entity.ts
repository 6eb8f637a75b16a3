import { Entity, Enum, Index, OneToOne, Property } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity';
import { Ticket } from '../ticket/ticket.entity';
import { storedState } from './access-rules';
import { AccessShredReason, AccessVerificationOutcome, FileAuthMethod, FileProtocol, StoredAccessState } from './vault.enums';

/**
 * The store-admin and file access a merchant gave for one ticket, sealed in the vault.
 *
 * Only facts are kept in clear: the protocol, dates, counts and the last login check. The
 * host, usernames and URL (the profile) and the passwords or key (the secrets) are sealed
 * with the row's own data key, which is stored wrapped by the master key. Shredding erases
 * the wrapped data key and both boxes. The ciphertext columns carry no @Field, so the API
 * cannot expose them.
 */
@ObjectType('TicketAccess', {
  description:
    'The store access the merchant gave for a ticket. Passwords and keys are never part of it: staff read them one at a time with ticketAccessReveal.',
})
@Entity({ tableName: 'ticket_access' })
@Index({ properties: ['shreddedAt', 'shredAfter'] })
export class TicketAccess extends BaseEntity<'generation' | 'revealedCount'> {
  @OneToOne(() => Ticket, { owner: true })
  ticket!: Ticket;

  /** Bumped whenever the sealed content is replaced or shredded: stale work (a login check) is dropped. */
  @Property({ type: 'integer' })
  generation: number = 0;

  @Field(() => FileProtocol)
  @Enum({ items: () => FileProtocol, nativeEnumName: 'file_protocol' })
  protocol!: FileProtocol;

  @Field(() => FileAuthMethod)
  @Enum({ items: () => FileAuthMethod, nativeEnumName: 'file_auth_method' })
  authMethod!: FileAuthMethod;

  /** Which master key wraps the data key (see envelope.masterKeyId). */
  @Property({ type: 'string', length: 32, nullable: true })
  masterKeyId?: string | null = null;

  @Property({ type: 'blob', nullable: true, lazy: true })
  wrappedDataKey?: Buffer | null = null;

  @Property({ type: 'blob', nullable: true, lazy: true })
  sealedProfile?: Buffer | null = null;

  @Property({ type: 'blob', nullable: true, lazy: true })
  sealedSecrets?: Buffer | null = null;

  @Field(() => Date, { description: 'When the merchant last gave (or replaced) this access.' })
  @Property({ type: 'Date', columnType: 'timestamptz' })
  providedAt!: Date;

  @Enum({ items: () => AccessVerificationOutcome, nativeEnumName: 'access_verification_outcome', nullable: true })
  verificationOutcome?: AccessVerificationOutcome | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  verifiedAt?: Date | null = null;

  @Field(() => Int, { description: 'How many times staff opened a password or key of this access.' })
  @Property({ type: 'integer' })
  revealedCount: number = 0;

  @Field(() => Date, { nullable: true, description: 'When staff last opened a password or key of this access.' })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  lastRevealedAt?: Date | null = null;

  @Field(() => Date, { nullable: true, description: 'When the access is destroyed: set once the ticket is resolved.' })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  shredAfter?: Date | null = null;

  @Field(() => Date, { nullable: true, description: 'When the access was destroyed; nobody can read it after this.' })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  shreddedAt?: Date | null = null;

  @Field(() => AccessShredReason, { nullable: true })
  @Enum({ items: () => AccessShredReason, nativeEnumName: 'access_shred_reason', nullable: true })
  shredReason?: AccessShredReason | null = null;

  @Field(() => StoredAccessState)
  get state(): StoredAccessState {
    return storedState(this);
  }

  get live(): boolean {
    return !this.shreddedAt;
  }
}
