import { randomUUID } from 'node:crypto';
import { Entity, Enum, Index, ManyToOne, OneToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { toGlobalId } from '../../common/global-id';
import { Node } from '../../common/node';
import { Customer } from '../customer/customer.entity';
import { StaffMember } from '../staff/staff-member.entity';
import { TicketMessage } from '../ticket/ticket-message.entity';
import { AuthorKind } from '../ticket/ticket.enums';
import { Ticket } from '../ticket/ticket.entity';

/**
 * A file on a ticket (sent with it) or on one of its messages. Only what lists show: the bytes
 * live in `attachment_content` (or another store), so no list ever reads them.
 */
@ObjectType({ implements: Node, description: 'A file sent with a ticket or a message. Download it from `downloadUrl` with the same Authorization header.' })
@Entity()
@Index({ properties: ['ticket', 'createdAt'] })
@Index({ properties: ['message'] })
export class Attachment implements Node {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => ID, { name: 'id' })
  get globalId(): string {
    return toGlobalId('Attachment', this.id);
  }

  @ManyToOne(() => Ticket, { deleteRule: 'cascade' })
  ticket!: Ticket;

  /** Null for a file sent with the ticket itself. */
  @ManyToOne(() => TicketMessage, { nullable: true, deleteRule: 'cascade' })
  message?: TicketMessage | null = null;

  /** Copied from the message: an internal note's files are staff-only too. */
  @Property({ type: 'boolean' })
  internal: boolean = false;

  @Field(() => String, { description: 'The name it was sent with (without any folder).' })
  @Property({ type: 'string', length: 255 })
  fileName!: string;

  @Field(() => String, { description: 'The type found in the bytes themselves (never the name or what the sender claimed), e.g. image/png, text/plain.' })
  @Property({ type: 'string', length: 100 })
  contentType!: string;

  @Field(() => Int, { description: 'Size in bytes, as stored (after redaction for text).' })
  @Property({ type: 'integer' })
  byteSize!: number;

  @Field(() => Int, { description: 'Credentials removed from a text file before it was stored (0 for other files).' })
  @Property({ type: 'integer' })
  redactions: number = 0;

  /** Order among the files sent together (they share createdAt). */
  @Property({ type: 'smallint' })
  position: number = 0;

  /** Where the bytes are: `postgres` (attachment_content) or another store's name. */
  @Property({ type: 'string', length: 20 })
  storage!: string;

  @Property({ type: 'string', length: 64 })
  sha256!: string;

  @Field(() => AuthorKind, { description: 'Who sent it: the merchant or staff.' })
  @Enum({ items: () => AuthorKind, nativeEnumName: 'author_kind' })
  uploaderKind!: AuthorKind;

  @ManyToOne(() => Customer, { nullable: true })
  uploaderCustomer?: Customer | null = null;

  @ManyToOne(() => StaffMember, { nullable: true })
  uploaderStaff?: StaffMember | null = null;

  @Field(() => Date)
  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

/** The bytes of an attachment kept in PostgreSQL, one row per attachment. */
@Entity({ tableName: 'attachment_content' })
export class AttachmentContent {
  @OneToOne(() => Attachment, { primary: true, owner: true, deleteRule: 'cascade', fieldName: 'attachment_id' })
  attachment!: Attachment;

  @Property({ type: 'blob' })
  bytes!: Buffer;
}
