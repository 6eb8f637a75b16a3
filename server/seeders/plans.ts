import type { EntityManager } from '@mikro-orm/postgresql';
import { Plan } from '../modules/plan/plan.entity';
import { PlanKind, PREMIUM_TICKETS_PER_PERIOD } from '../modules/subscription/entitlement-rules';

/** The catalogue the policy describes. Inserted when missing; never overwrites an admin's edits. */
export const PLAN_CATALOGUE = [
  {
    kind: PlanKind.ONE_TIME_FIX,
    name: 'One-time fix',
    description:
      'One support ticket: we fix one OpenCart issue (installation, configuration, a bug, issue profiling). Best-effort reply time. Use it within 12 months.',
    priceAmount: 4900,
    currency: 'USD',
    ticketAllowance: 1,
    contractMonths: 12,
    guaranteedReply: false,
    developmentTeamAccess: false,
  },
  {
    kind: PlanKind.PREMIUM_MONTHLY,
    name: 'Premium Support',
    description: 'One month of Premium Support: guaranteed reply time and direct communication with the development team, up to 10 tickets a month.',
    priceAmount: 19900,
    currency: 'USD',
    ticketAllowance: PREMIUM_TICKETS_PER_PERIOD,
    contractMonths: 1,
    guaranteedReply: true,
    developmentTeamAccess: true,
  },
] as const;

export async function seedPlans(em: EntityManager): Promise<void> {
  for (const entry of PLAN_CATALOGUE) {
    if (!(await em.count(Plan, { kind: entry.kind }))) em.create(Plan, { ...entry });
  }
  await em.flush();
}
