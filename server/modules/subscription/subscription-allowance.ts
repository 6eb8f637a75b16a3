import type { AppContext } from '../../app/context';
import type { Allowance } from '../customer/customer.types';
import type { Subscription } from './subscription.entity';
import { allowanceKey, chooseSubscription, summaryFor } from './subscription.service';

/** A subscription's allowance in the current window, through the request's loaders (batched). */
export async function allowanceOf(ctx: AppContext, subscription: Subscription): Promise<Allowance | null> {
  const plan = await ctx.loaders.plan.load(subscription.plan.id);
  if (!plan) return null;
  const now = ctx.clock();
  const key = allowanceKey(subscription, now);
  if (!key) return null;
  const summary = summaryFor(subscription, await ctx.loaders.ticketsUsed.load(key), now);
  return summary && { planKind: plan.kind, ...summary };
}

/** The allowance of the plan a new ticket would draw on, or null with no active plan (batched). */
export async function currentAllowance(ctx: AppContext, customerId: string): Promise<Allowance | null> {
  const now = ctx.clock();
  const subscriptions = await ctx.loaders.activeSubscriptionsByCustomer.load(customerId);
  await Promise.all(subscriptions.map((s) => ctx.loaders.plan.load(s.plan.id)));
  const chosen = await chooseSubscription(subscriptions, now, true, async (s) => {
    const key = allowanceKey(s, now);
    return key ? ctx.loaders.ticketsUsed.load(key) : 0;
  });
  return chosen ? allowanceOf(ctx, chosen) : null;
}
