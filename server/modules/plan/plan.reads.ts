import type { FieldReads } from '../../common/field-reads';

/** What each field of `Plan` reads, when a page joins the plan (field-reads.ts). */
export const PLAN_FIELD_READS: FieldReads = {
  id: [],
  kind: ['kind'],
  name: ['name'],
  description: ['description'],
  ticketAllowance: ['ticketAllowance'],
  guaranteedReply: ['guaranteedReply'],
  developmentTeamAccess: ['developmentTeamAccess'],
  active: ['active'],
  createdAt: ['createdAt'],
  updatedAt: ['updatedAt'],
};

/**
 * What each field of `PlanSubscription` reads of the subscription's plan (its own columns are
 * read whole): a page joining the plan reads the union with what the plan's fields read.
 */
export const SUBSCRIPTION_FIELD_READS_OF_PLAN: FieldReads = {
  id: [],
  status: [],
  plan: [],
  customer: [],
  contractStart: [],
  contractEnd: [],
  months: [],
  currentPeriod: [],
  cancelledAt: [],
  paymentReference: [],
  createdAt: [],
  updatedAt: [],
};
