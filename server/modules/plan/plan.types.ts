import { IsInt, IsOptional, Length, Max, Min } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { UserError } from '../../common/user-error';
import { Plan } from './plan.entity';

@InputType()
export class PlanUpdateInput {
  @Field(() => ID)
  planId!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 120)
  name?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 5000)
  description?: string | null;

  @Field(() => Int, { nullable: true, description: 'New price in minor units; existing purchases keep theirs.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100_000_000)
  priceAmount?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether the plan is sold.' })
  @IsOptional()
  active?: boolean | null;
}

@ObjectType()
export class PlanPayload {
  @Field(() => Plan, { nullable: true })
  plan?: Plan | null;

  @Field(() => [UserError])
  userErrors: UserError[] = [];
}
