import { IsEmail, IsOptional, Length, MaxLength } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType } from '../../common/connection';
import { DateTimeScalar } from '../../common/date-time.scalar';
import { UserError } from '../../common/user-error';
import { PlanKind } from '../subscription/entitlement-rules';
import { BanReason, BAN_REASON_LABELS } from './ban-rules';
import { Customer, CustomerStatus } from './customer.entity';

registerEnumType(BanReason, {
  name: 'BanReason',
  description: 'The policy reasons for a permanent ban.',
  valuesConfig: Object.fromEntries(Object.entries(BAN_REASON_LABELS).map(([k, label]) => [k, { description: label }])),
});

export const CustomerConnection = ConnectionType(Customer, 'Customer');

@ObjectType({ description: 'Tickets left on a plan in the current allowance window.' })
export class Allowance {
  @Field(() => PlanKind) planKind!: PlanKind;
  @Field(() => Int) used!: number;
  @Field(() => Int) limit!: number;
  @Field(() => Int) remaining!: number;
  @Field(() => DateTimeScalar) periodStart!: unknown;
  @Field(() => DateTimeScalar) periodEnd!: unknown;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When a fresh allowance starts; null when none follows (see `renewal`).' })
  renewsAt!: unknown;
  @Field(() => String, { description: 'In words: when the allowance renews, or why it does not (one-time fix, last month of the contract).' })
  renewal!: string;
}

@InputType()
export class CustomerFilter {
  @Field(() => CustomerStatus, { nullable: true })
  @IsOptional()
  status?: CustomerStatus | null;

  @Field(() => String, { nullable: true, description: 'Matches email, name, company or store URL (case-insensitive).' })
  @IsOptional()
  @MaxLength(200)
  search?: string | null;
}

@InputType()
export class CustomerCreateInput {
  @Field(() => String)
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email!: string;

  @Field(() => String)
  @Length(1, 120, { message: 'name must be 1 to 120 characters' })
  name!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(120)
  company?: string | null;

  @Field(() => String, { nullable: true, description: "The store's address, e.g. https://shop.example.com" })
  @IsOptional()
  @MaxLength(2048)
  storeUrl?: string | null;
}

@InputType()
export class CustomerUpdateInput {
  @Field(() => ID, { nullable: true, description: 'Staff: the customer to change. Merchants change their own account.' })
  @IsOptional()
  customerId?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 120)
  name?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(120)
  company?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(2048)
  storeUrl?: string | null;
}

@InputType()
export class CustomerBanInput {
  @Field(() => ID)
  customerId!: string;

  @Field(() => BanReason)
  reason!: BanReason;

  @Field(() => String, { description: 'What happened, for the record.' })
  @Length(5, 5000, { message: 'note must be 5 to 5000 characters' })
  note!: string;
}

@ObjectType()
export class CustomerPayload {
  @Field(() => Customer, { nullable: true })
  customer?: Customer | null;

  @Field(() => [UserError])
  userErrors: UserError[] = [];
}
