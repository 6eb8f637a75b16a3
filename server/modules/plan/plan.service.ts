import type { EntityManager } from '@mikro-orm/postgresql';
import { requireId } from '../../common/access';
import { DomainError, UserErrorCode } from '../../common/user-error';
import { Plan } from './plan.entity';
import type { PlanUpdateInput } from './plan.types';

/** The plan catalogue. Existing purchases keep the price they were sold at. */
export class PlanService {
  constructor(private readonly em: EntityManager) {}

  /** The plans on sale, cheapest first. */
  catalogue(): Promise<Plan[]> {
    return this.em.find(Plan, { active: true }, { orderBy: { priceAmount: 'asc' } });
  }

  async update(input: PlanUpdateInput): Promise<Plan> {
    const plan = await this.em.findOne(Plan, { id: requireId(input.planId, 'Plan', ['input', 'planId']) });
    if (!plan) throw DomainError.of(UserErrorCode.NOT_FOUND, 'No Plan with this ID.', ['input', 'planId']);
    if (input.name != null) plan.name = input.name;
    if (input.description != null) plan.description = input.description;
    if (input.priceAmount != null) plan.priceAmount = input.priceAmount;
    if (input.active != null) plan.active = input.active;
    return plan;
  }
}
