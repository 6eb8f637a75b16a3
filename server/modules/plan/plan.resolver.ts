import { IsInt, IsOptional, Length, Max, Min } from 'class-validator';
import { Arg, Authorized, Ctx, Field, ID, InputType, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import type { AppContext } from '../../app/context';
import { requireId } from '../../common/access';
import { runMutation } from '../../common/mutation';
import { DomainError, UserError, UserErrorCode } from '../../common/user-error';
import { Role } from '../viewer/viewer';
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

@Resolver(() => Plan)
export class PlanResolver {
  @Query(() => [Plan], { description: 'The public plan catalogue (no sign-in needed).' })
  plans(@Ctx() ctx: AppContext) {
    return ctx.em.find(Plan, { active: true }, { orderBy: { priceAmount: 'asc' } });
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => PlanPayload, { description: 'Change a catalogue entry. Existing purchases keep their price.' })
  planUpdate(@Arg('input', () => PlanUpdateInput) input: PlanUpdateInput, @Ctx() ctx: AppContext) {
    return runMutation(ctx.em, () => new PlanPayload(), async (em) => {
      const plan = await em.findOne(Plan, { id: requireId(input.planId, 'Plan', ['input', 'planId']) });
      if (!plan) throw DomainError.of(UserErrorCode.NOT_FOUND, 'No Plan with this ID.', ['input', 'planId']);
      if (input.name != null) plan.name = input.name;
      if (input.description != null) plan.description = input.description;
      if (input.priceAmount != null) plan.priceAmount = input.priceAmount;
      if (input.active != null) plan.active = input.active;
      return { plan };
    });
  }
}
