import { Length } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { UserError } from '../../common/user-error';
import { Customer } from '../customer/customer.entity';

@InputType()
export class CustomerEraseInput {
  @Field(() => ID)
  customerId!: string;

  @Field(() => String, { description: "The customer's current email address, typed again: erasure cannot be undone." })
  @Length(1, 254, { message: 'confirmEmail must be 1 to 254 characters' })
  confirmEmail!: string;
}

@ObjectType({ description: 'What an erasure changed.' })
export class ErasureSummary {
  @Field(() => Int, { description: 'Tickets whose subject, description and store details were erased.' })
  ticketsErased!: number;

  @Field(() => Int, { description: 'Open tickets closed by the erasure.' })
  ticketsClosed!: number;

  @Field(() => Int, { description: 'Messages whose text was erased (replies and internal notes).' })
  messagesErased!: number;

  @Field(() => Int)
  attachmentsDeleted!: number;

  @Field(() => Int, { description: 'Stored store accesses destroyed.' })
  accessShredded!: number;

  @Field(() => Int)
  apiKeysRevoked!: number;

  @Field(() => Int, { description: 'Audit entries kept with their free text erased.' })
  auditEntriesScrubbed!: number;

  @Field(() => Boolean, { description: 'The customer was banned: the ban is kept, its email and store domains as hashes.' })
  banKept!: boolean;
}

@ObjectType()
export class CustomerErasePayload {
  @Field(() => Customer, { nullable: true, description: 'The customer as it stays: a pseudonym, its status and history.' })
  customer?: Customer | null;

  @Field(() => ErasureSummary, { nullable: true })
  summary?: ErasureSummary | null;

  @Field(() => [UserError])
  userErrors: UserError[] = [];
}
