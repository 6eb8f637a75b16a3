import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { AppContext } from '../../app/context';
import { Transactional } from '../../common/transaction';
import { Role } from '../viewer/viewer';
import { Plan } from './plan.entity';
import { PlanPayload, PlanUpdateInput } from './plan.types';

export { PlanPayload, PlanUpdateInput } from './plan.types';

@Resolver(() => Plan)
export class PlanResolver {
  @Query(() => [Plan], { description: 'The public plan catalogue (no sign-in needed).' })
  plans(@Ctx() ctx: AppContext) {
    return ctx.services.plans.catalogue();
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => PlanPayload, { description: 'Change a catalogue entry. Existing purchases keep their price.' })
  @Transactional(PlanPayload, { into: 'plan' })
  planUpdate(@Arg('input', () => PlanUpdateInput) input: PlanUpdateInput, @Ctx() ctx: AppContext) {
    return ctx.services.plans.update(input);
  }
}
