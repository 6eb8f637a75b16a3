import type { FieldReads } from '../../common/field-reads';

/** The ticket columns the SLA view reads (ticket-clock.ts) and its per-request cache key. */
const SLA = [
  'status',
  'complex',
  'supportDayMinutes',
  'clockUsedMinutes',
  'clockRunningSince',
  'firstReplyAt',
  'firstReplyMinutes',
  'resolvedAt',
  'resolutionMinutes',
  'quoteStatus',
  'surchargeStatus',
];

/** Read by every ticket page: the key, the edges' foreign keys and the status. */
export const TICKET_ALWAYS_READ = ['id', 'customer', 'subscription', 'assignee', 'status'] as const;

/** What each field of `Ticket` reads (field-reads.ts); edges and lists by the ticket's id read nothing more. */
export const TICKET_FIELD_READS: FieldReads = {
  id: [],
  number: ['serial'],
  subject: ['subject'],
  description: ['description'],
  category: ['category'],
  coverage: ['coverage'],
  status: ['status'],
  priority: ['priority'],
  team: ['team'],
  complex: ['complex'],
  platformFlags: ['platformFlags'],
  fixGuaranteed: ['fixGuaranteed'],
  slaGuaranteed: ['slaGuaranteed'],
  notEnglish: ['notEnglish'],
  consumesAllowance: ['consumesAllowance'],
  firstReplyAt: ['firstReplyAt'],
  resolvedAt: ['resolvedAt'],
  closedAt: ['closedAt'],
  withdrawnAt: ['withdrawnAt'],
  accessState: ['accessState'],
  accessDisabledAt: ['accessDisabledAt'],
  accessWaiverReason: ['accessWaiverReason'],
  accessWithheld: ['accessWithheld'],
  thirdPartyBlocked: ['thirdPartyBlocked'],
  lastActivityAt: ['lastActivityAt'],
  createdAt: ['createdAt'],
  updatedAt: ['updatedAt'],
  environment: ['environment'],
  customer: [],
  subscription: [],
  assignee: [],
  lastMessage: [],
  messages: [],
  events: [],
  unreadMessageCount: [],
  sla: [...SLA, 'slaGuaranteed'],
  firstReplyDueAt: SLA,
  resolutionDueAt: SLA,
  quote: ['quoteStatus', 'quoteAmount', 'quoteCurrency', 'quoteNote'],
  portReview: ['platformFlags', 'portDecision', 'portDecisionNote', 'surchargeAmount', 'surchargeStatus'],
  disableAccessRequested: ['status', 'accessState', 'accessDisabledAt'],
  awaitingMerchantDecision: ['quoteStatus', 'surchargeStatus'],
};

/** What each field of `TicketMessage` reads, when a page shows a ticket's last message. */
export const TICKET_MESSAGE_FIELD_READS: FieldReads = {
  id: [],
  body: ['body'],
  internal: ['internal'],
  notEnglish: ['notEnglish'],
  authorKind: ['authorKind'],
  createdAt: ['createdAt'],
  updatedAt: ['updatedAt'],
};
