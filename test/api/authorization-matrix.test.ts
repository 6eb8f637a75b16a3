import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../server/common/global-id';
import { createMerchant, createStaff, createTestApp, type Merchant, type RawBody, type TestApp } from '../support/test-app';

/**
 * Every operation × every role. "ok" means it did its work (no errors, no userErrors);
 * "unauthenticated"/"forbidden" are top-level errors with that code; "notFound" is how
 * another merchant's data answers: a NOT_FOUND userError, or null.
 */
type Outcome = 'ok' | 'unauthenticated' | 'forbidden' | 'notFound';
type Role = 'anonymous' | 'merchant' | 'otherMerchant' | 'agent' | 'admin';
const ROLES: Role[] = ['anonymous', 'merchant', 'otherMerchant', 'agent', 'admin'];

let app: TestApp;
let owner: Merchant;
let other: Merchant;
let agent: { id: string; token: string };
let admin: { id: string; token: string };

beforeAll(async () => {
  app = await createTestApp();
  owner = await createMerchant(app);
  other = await createMerchant(app);
  agent = await createStaff(app, 'AGENT', 'DEVELOPMENT');
  admin = { id: '', token: app.adminToken };
  // The matrix files ~100 tickets for the owner: enough Premium purchases to never hit the
  // monthly limit of 10 (the limit itself is tested in entitlements.test.ts).
  for (let i = 0; i < 12; i += 1) {
    await app.admin.SubscriptionCreate({ input: { customerId: owner.customerId, planId: await premiumPlanId(), months: 1 } });
  }
});
afterAll(() => app?.close());

function tokenFor(role: Role): string | null {
  return { anonymous: null, merchant: owner.token, otherMerchant: other.token, agent: agent.token, admin: admin.token }[role];
}

async function newTicket(category = 'BUG_FIX'): Promise<string> {
  const r = await app.raw(
    `mutation($i: TicketCreateInput!) { ticketCreate(input: $i) { ticket { id } userErrors { code } } }`,
    { i: { subject: 'Matrix ticket', description: 'A ticket the authorization matrix works on.', category } },
    owner.token,
  );
  return r.body.data!.ticketCreate.ticket.id;
}

async function waived(id: string): Promise<string> {
  await app.raw(
    `mutation($i: TicketAccessWaiveInput!) { ticketAccessWaive(input: $i) { userErrors { code } } }`,
    { i: { ticketId: id, reason: 'matrix set-up' } },
    admin.token,
  );
  return id;
}

async function newCustomer(): Promise<string> {
  const m = await createMerchant(app);
  return m.customerId;
}

async function newWebhookEndpoint(): Promise<string> {
  const r = await app.raw(
    `mutation { webhookEndpointCreate(input: { url: "http://127.0.0.1:9/matrix", eventTypes: [TICKET_FILED] }) { endpoint { id } userErrors { code } } }`,
    {},
    admin.token,
  );
  return r.body.data!.webhookEndpointCreate.endpoint.id;
}

interface Case {
  name: string;
  query: string;
  /** Variables, built fresh for each role (so destructive operations get their own target). */
  vars?: () => Promise<Record<string, unknown>>;
  expect: Record<Role, Outcome>;
}

const PUBLIC: Record<Role, Outcome> = { anonymous: 'ok', merchant: 'ok', otherMerchant: 'ok', agent: 'ok', admin: 'ok' };
const SIGNED_IN: Record<Role, Outcome> = { anonymous: 'unauthenticated', merchant: 'ok', otherMerchant: 'ok', agent: 'ok', admin: 'ok' };
const OWNER_OR_STAFF: Record<Role, Outcome> = { anonymous: 'unauthenticated', merchant: 'ok', otherMerchant: 'notFound', agent: 'ok', admin: 'ok' };
const STAFF: Record<Role, Outcome> = { anonymous: 'unauthenticated', merchant: 'forbidden', otherMerchant: 'forbidden', agent: 'ok', admin: 'ok' };
const ADMIN: Record<Role, Outcome> = { anonymous: 'unauthenticated', merchant: 'forbidden', otherMerchant: 'forbidden', agent: 'forbidden', admin: 'ok' };
const OWNER_ONLY: Record<Role, Outcome> = { anonymous: 'unauthenticated', merchant: 'ok', otherMerchant: 'notFound', agent: 'forbidden', admin: 'forbidden' };

const CASES: Case[] = [
  { name: 'plans', query: `{ plans { id } }`, expect: PUBLIC },
  { name: 'supportHours', query: `{ supportHours(zone: "Asia/Tokyo") { open } }`, expect: PUBLIC },
  { name: 'viewer', query: `{ viewer { kind } }`, expect: PUBLIC },
  // Each caller's own notifications (another's IDs are NOT_FOUND: notifications.test.ts).
  { name: 'notificationMarkRead', query: `mutation { notificationMarkRead(input: { ids: [] }) { unreadCount userErrors { code } } }`, expect: SIGNED_IN },
  { name: 'notificationMarkAllRead', query: `mutation { notificationMarkAllRead(input: {}) { unreadCount userErrors { code } } }`, expect: SIGNED_IN },
  {
    name: 'notificationPreferencesUpdate',
    query: `mutation { notificationPreferencesUpdate(input: { emailEnabled: true }) { preferences { emailEnabled } userErrors { code } } }`,
    expect: SIGNED_IN,
  },
  { name: 'tickets', query: `{ tickets(first: 5) { totalCount } }`, expect: SIGNED_IN },
  {
    name: 'node(ticket)',
    query: `query($id: ID!) { node(id: $id) { id } }`,
    vars: async () => ({ id: await newTicket() }),
    expect: { anonymous: 'notFound', merchant: 'ok', otherMerchant: 'notFound', agent: 'ok', admin: 'ok' },
  },
  {
    name: 'nodes(ticket)',
    query: `query($id: ID!) { nodes(ids: [$id]) { id } }`,
    vars: async () => ({ id: await newTicket() }),
    expect: { anonymous: 'notFound', merchant: 'ok', otherMerchant: 'notFound', agent: 'ok', admin: 'ok' },
  },
  {
    name: 'ticketByNumber',
    query: `query($n: String!) { ticketByNumber(number: $n) { id } }`,
    vars: async () => {
      const id = await newTicket();
      const r = await app.raw(`query($id: ID!) { node(id: $id) { ... on Ticket { number } } }`, { id }, admin.token);
      return { n: r.body.data!.node.number };
    },
    expect: OWNER_OR_STAFF,
  },
  { name: 'customers', query: `{ customers(first: 5) { totalCount } }`, expect: STAFF },
  { name: 'subscriptions', query: `{ subscriptions(first: 5) { totalCount } }`, expect: SIGNED_IN },
  { name: 'refunds', query: `{ refunds(first: 5) { totalCount } }`, expect: SIGNED_IN },
  { name: 'staffMembers', query: `{ staffMembers(first: 5) { totalCount } }`, expect: STAFF },
  {
    name: 'ticketCreate',
    query: `mutation($i: TicketCreateInput!) { ticketCreate(input: $i) { ticket { id } userErrors { code } } }`,
    vars: async () => ({ i: { subject: 'New', description: 'A ticket filed by the matrix.', category: 'BUG_FIX' } }),
    // Staff must name the customer: without customerId they get a userError, checked below.
    expect: { anonymous: 'unauthenticated', merchant: 'ok', otherMerchant: 'ok', agent: 'ok', admin: 'ok' },
  },
  {
    name: 'ticketReply',
    query: `mutation($i: TicketReplyInput!) { ticketReply(input: $i) { message { id } userErrors { code } } }`,
    vars: async () => ({ i: { ticketId: await newTicket(), body: 'Any news?' } }),
    expect: OWNER_OR_STAFF,
  },
  {
    name: 'ticketAssign',
    query: `mutation($i: TicketAssignInput!) { ticketAssign(input: $i) { ticket { id } userErrors { code } } }`,
    vars: async () => ({ i: { ticketId: await newTicket(), assigneeId: agentId() } }),
    expect: STAFF,
  },
  {
    name: 'ticketStatusChange',
    query: `mutation($i: TicketStatusChangeInput!) { ticketStatusChange(input: $i) { ticket { id } userErrors { code } } }`,
    vars: async () => ({ i: { ticketId: await waived(await newTicket()), status: 'IN_PROGRESS' } }),
    expect: STAFF,
  },
  {
    name: 'ticketUpdate',
    query: `mutation($i: TicketUpdateInput!) { ticketUpdate(input: $i) { ticket { id } userErrors { code } } }`,
    vars: async () => ({ i: { ticketId: await newTicket(), complex: true } }),
    expect: STAFF,
  },
  {
    name: 'ticketAccessWaive',
    query: `mutation($i: TicketAccessWaiveInput!) { ticketAccessWaive(input: $i) { ticket { id } userErrors { code } } }`,
    vars: async () => ({ i: { ticketId: await newTicket(), reason: 'Screenshots were enough.' } }),
    expect: STAFF,
  },
  {
    name: 'ticketQuoteSet',
    query: `mutation($i: TicketQuoteSetInput!) { ticketQuoteSet(input: $i) { ticket { id } userErrors { code } } }`,
    vars: async () => ({ i: { ticketId: await newTicket('THEME_CUSTOMISATION'), amount: 15000 } }),
    expect: STAFF,
  },
  {
    name: 'ticketQuoteRespond',
    query: `mutation($i: TicketRespondInput!) { ticketQuoteRespond(input: $i) { ticket { id } userErrors { code } } }`,
    vars: async () => {
      const id = await newTicket('THEME_CUSTOMISATION');
      await app.raw(
        `mutation($i: TicketQuoteSetInput!) { ticketQuoteSet(input: $i) { userErrors { code } } }`,
        { i: { ticketId: id, amount: 15000 } },
        admin.token,
      );
      return { i: { ticketId: id, accept: true } };
    },
    expect: OWNER_ONLY,
  },
  {
    name: 'ticketPortDecide',
    query: `mutation($i: TicketPortDecideInput!) { ticketPortDecide(input: $i) { ticket { id } userErrors { code } } }`,
    vars: async () => ({ i: { ticketId: await portTicket(), decision: 'ACCEPT' } }),
    expect: STAFF,
  },
  {
    name: 'ticketReclassify',
    query: `mutation($i: TicketReclassifyInput!) { ticketReclassify(input: $i) { ticket { id } userErrors { code } } }`,
    vars: async () => ({ i: { ticketId: await newTicket(), category: 'NEW_FUNCTIONALITY', reason: 'A new feature was asked for.' } }),
    expect: STAFF,
  },
  {
    name: 'ticketWithdraw',
    query: `mutation($i: TicketWithdrawInput!) { ticketWithdraw(input: $i) { ticket { id } userErrors { code } } }`,
    vars: async () => ({ i: { ticketId: await newTicket() } }),
    expect: OWNER_ONLY,
  },
  {
    name: 'ticketPoorlyCodedModuleSet',
    query: `mutation($i: TicketPoorlyCodedModuleSetInput!) { ticketPoorlyCodedModuleSet(input: $i) { ticket { id } userErrors { code } } }`,
    vars: async () => ({ i: { ticketId: await newTicket(), poorlyCoded: true, reason: 'The filter module queries every product.' } }),
    expect: STAFF,
  },
  {
    name: 'ticketSurchargeRespond',
    query: `mutation($i: TicketRespondInput!) { ticketSurchargeRespond(input: $i) { ticket { id } userErrors { code } } }`,
    vars: async () => {
      const id = await portTicket();
      await app.raw(
        `mutation($i: TicketPortDecideInput!) { ticketPortDecide(input: $i) { userErrors { code } } }`,
        { i: { ticketId: id, decision: 'ACCEPT_WITH_SURCHARGE', surchargeAmount: 2500 } },
        admin.token,
      );
      return { i: { ticketId: id, accept: true } };
    },
    expect: OWNER_ONLY,
  },
  {
    name: 'ticketAccessDisabledConfirm',
    query: `mutation($i: TicketAccessDisabledConfirmInput!) { ticketAccessDisabledConfirm(input: $i) { ticket { id } userErrors { code } } }`,
    vars: async () => {
      const id = await waived(await newTicket());
      await app.raw(
        `mutation($i: TicketStatusChangeInput!) { ticketStatusChange(input: $i) { userErrors { code } } }`,
        { i: { ticketId: id, status: 'RESOLVED' } },
        admin.token,
      );
      return { i: { ticketId: id } };
    },
    expect: OWNER_ONLY,
  },
  {
    name: 'ticketMarkRead',
    query: `mutation($i: TicketIdInput!) { ticketMarkRead(input: $i) { ticket { id } userErrors { code } } }`,
    vars: async () => ({ i: { ticketId: await newTicket() } }),
    expect: OWNER_ONLY,
  },
  {
    name: 'customerCreate',
    query: `mutation($i: CustomerCreateInput!) { customerCreate(input: $i) { customer { id } userErrors { code } } }`,
    vars: async () => ({ i: { email: `new-${Math.random().toString(36).slice(2)}@shop.test`, name: 'New Shop' } }),
    expect: STAFF,
  },
  {
    name: 'customerUpdate',
    query: `mutation($i: CustomerUpdateInput!) { customerUpdate(input: $i) { customer { id } userErrors { code } } }`,
    vars: async () => ({ i: { customerId: owner.customerId, company: 'Renamed Ltd' } }),
    expect: OWNER_OR_STAFF,
  },
  {
    name: 'customerBan',
    query: `mutation($i: CustomerBanInput!) { customerBan(input: $i) { customer { id } userErrors { code } } }`,
    vars: async () => ({ i: { customerId: await newCustomer(), reason: 'ABUSE', note: 'Abusive messages to staff.' } }),
    expect: ADMIN,
  },
  {
    name: 'subscriptionCreate',
    query: `mutation($i: SubscriptionCreateInput!) { subscriptionCreate(input: $i) { subscription { id } userErrors { code } } }`,
    vars: async () => ({ i: { customerId: owner.customerId, planId: await premiumPlanId() } }),
    expect: ADMIN,
  },
  {
    name: 'subscriptionCancel',
    query: `mutation($i: SubscriptionCancelInput!) { subscriptionCancel(input: $i) { subscription { id } userErrors { code } } }`,
    vars: async () => ({ i: { subscriptionId: (await createMerchant(app)).subscriptionId } }),
    expect: ADMIN,
  },
  {
    name: 'merchantApiKeyCreate',
    query: `mutation($i: MerchantApiKeyCreateInput!) { merchantApiKeyCreate(input: $i) { apiKey { id } userErrors { code } } }`,
    vars: async () => ({ i: { customerId: owner.customerId, name: 'Second store' } }),
    // A key acts as the merchant: an agent minting one could accept quotes in their name.
    expect: { anonymous: 'unauthenticated', merchant: 'ok', otherMerchant: 'notFound', agent: 'forbidden', admin: 'ok' },
  },
  {
    name: 'merchantApiKeyRevoke',
    query: `mutation($i: MerchantApiKeyRevokeInput!) { merchantApiKeyRevoke(input: $i) { apiKey { id } userErrors { code } } }`,
    vars: async () => {
      const r = await app.raw(
        `mutation($i: MerchantApiKeyCreateInput!) { merchantApiKeyCreate(input: $i) { apiKey { id } } }`,
        { i: { customerId: owner.customerId, name: 'Spare' } },
        admin.token,
      );
      return { i: { apiKeyId: r.body.data!.merchantApiKeyCreate.apiKey.id } };
    },
    // A merchant's keys are the merchant's and the admin's: an agent revoking one would cut the store off.
    expect: { anonymous: 'unauthenticated', merchant: 'ok', otherMerchant: 'notFound', agent: 'forbidden', admin: 'ok' },
  },
  {
    name: 'staffMemberCreate',
    query: `mutation($i: StaffMemberCreateInput!) { staffMemberCreate(input: $i) { staffMember { id } userErrors { code } } }`,
    vars: async () => ({ i: { email: `agent-${Math.random().toString(36).slice(2)}@support.test`, name: 'New Agent' } }),
    expect: ADMIN,
  },
  {
    name: 'staffMemberUpdate',
    query: `mutation($i: StaffMemberUpdateInput!) { staffMemberUpdate(input: $i) { staffMember { id } userErrors { code } } }`,
    vars: async () => ({ i: { staffMemberId: (await createStaff(app, 'AGENT')).id, team: 'SUPPORT' } }),
    expect: ADMIN,
  },
  {
    name: 'staffTokenRotate(other)',
    query: `mutation($i: StaffTokenRotateInput!) { staffTokenRotate(input: $i) { staffMember { id } userErrors { code } } }`,
    vars: async () => ({ i: { staffMemberId: (await createStaff(app, 'AGENT')).id } }),
    // An agent may rotate only its own token: another's is a FORBIDDEN userError.
    expect: { anonymous: 'unauthenticated', merchant: 'forbidden', otherMerchant: 'forbidden', agent: 'forbidden', admin: 'ok' },
  },
  {
    name: 'planUpdate',
    query: `mutation($i: PlanUpdateInput!) { planUpdate(input: $i) { plan { id } userErrors { code } } }`,
    vars: async () => ({ i: { planId: await premiumPlanId(), description: 'One month of Premium Support.' } }),
    expect: ADMIN,
  },
  {
    name: 'refundRequest',
    query: `mutation($i: RefundRequestInput!) { refundRequest(input: $i) { refund { id } userErrors { code } } }`,
    vars: async () => ({ i: { subscriptionId: await freshOwnerSubscription(), reason: 'STOLEN_CARD', details: 'My card was stolen.' } }),
    expect: { anonymous: 'unauthenticated', merchant: 'ok', otherMerchant: 'notFound', agent: 'forbidden', admin: 'ok' },
  },
  {
    name: 'refundDecide',
    query: `mutation($i: RefundDecideInput!) { refundDecide(input: $i) { refund { id } userErrors { code } } }`,
    vars: async () => ({ i: { refundId: await pendingRefund(), decision: 'APPROVED' } }),
    expect: ADMIN,
  },
  {
    name: 'ticketAccessProvide',
    query: `mutation($i: TicketAccessProvideInput!) { ticketAccessProvide(input: $i) { ticket { id } userErrors { code } } }`,
    vars: async () => ({ i: { ticketId: await newTicket(), ...ACCESS } }),
    expect: OWNER_ONLY,
  },
  {
    name: 'ticketAccessVerify',
    query: `mutation($i: TicketIdInput!) { ticketAccessVerify(input: $i) { ticket { id } userErrors { code } } }`,
    vars: async () => ({ i: { ticketId: await ticketWithAccess() } }),
    expect: OWNER_OR_STAFF,
  },
  {
    name: 'ticketAccessReveal',
    query: `mutation($i: TicketAccessRevealInput!) { ticketAccessReveal(input: $i) { secret { field } userErrors { code } } }`,
    // The agent is assigned to the ticket: an assigned agent or an admin may reveal.
    vars: async () => ({ i: { ticketId: await ticketWithAccess(true), field: 'FILE_PASSWORD' } }),
    expect: { anonymous: 'unauthenticated', merchant: 'forbidden', otherMerchant: 'forbidden', agent: 'ok', admin: 'ok' },
  },
  {
    name: 'ticketAccessReveal(unassigned)',
    query: `mutation($i: TicketAccessRevealInput!) { ticketAccessReveal(input: $i) { secret { field } userErrors { code } } }`,
    vars: async () => ({ i: { ticketId: await ticketWithAccess(false), field: 'STORE_ADMIN_PASSWORD' } }),
    expect: { anonymous: 'unauthenticated', merchant: 'forbidden', otherMerchant: 'forbidden', agent: 'forbidden', admin: 'ok' },
  },
  {
    name: 'ticketAccessWithdraw',
    query: `mutation($i: TicketIdInput!) { ticketAccessWithdraw(input: $i) { ticket { id } userErrors { code } } }`,
    vars: async () => ({ i: { ticketId: await ticketWithAccess() } }),
    expect: { anonymous: 'unauthenticated', merchant: 'ok', otherMerchant: 'notFound', agent: 'forbidden', admin: 'ok' },
  },
  // The help desk (each rule in detail: test/api/helpdesk-*.test.ts).
  { name: 'cannedReplies', query: `{ cannedReplies { id } }`, vars: async () => (await sharedReply(), {}), expect: STAFF },
  {
    name: 'renderCannedReply',
    query: `query($t: ID!, $c: ID!) { renderCannedReply(ticketId: $t, cannedReplyId: $c) { body } }`,
    vars: async () => ({ t: await newTicket(), c: await sharedReply() }),
    expect: STAFF,
  },
  {
    name: 'cannedReplyCreate',
    query: `mutation($i: CannedReplyCreateInput!) { cannedReplyCreate(input: $i) { cannedReply { id } userErrors { code } } }`,
    vars: async () => ({ i: { title: 'Matrix', body: 'Hello {{merchant_name}}.' } }),
    expect: STAFF,
  },
  {
    // Shared replies are the admins' to change (an agent's own: helpdesk-canned-replies.test.ts).
    name: 'cannedReplyUpdate',
    query: `mutation($i: CannedReplyUpdateInput!) { cannedReplyUpdate(input: $i) { cannedReply { id } userErrors { code } } }`,
    vars: async () => ({ i: { cannedReplyId: await sharedReply(), title: 'Matrix, changed' } }),
    expect: ADMIN,
  },
  {
    name: 'cannedReplyDelete',
    query: `mutation($i: CannedReplyDeleteInput!) { cannedReplyDelete(input: $i) { deletedCannedReplyId userErrors { code } } }`,
    vars: async () => ({ i: { cannedReplyId: await sharedReply() } }),
    expect: ADMIN,
  },
  {
    name: 'ticketMerge',
    query: `mutation($i: TicketMergeInput!) { ticketMerge(input: $i) { ticket { id } userErrors { code } } }`,
    vars: async () => ({ i: { ticketId: await newTicket(), intoTicketId: await newTicket() } }),
    expect: STAFF,
  },
  {
    name: 'ticketRate',
    query: `mutation($i: TicketRateInput!) { ticketRate(input: $i) { ticket { id } userErrors { code } } }`,
    vars: async () => {
      const id = await waived(await newTicket());
      await app.raw(
        `mutation($i: TicketStatusChangeInput!) { ticketStatusChange(input: $i) { userErrors { code } } }`,
        { i: { ticketId: id, status: 'RESOLVED' } },
        admin.token,
      );
      return { i: { ticketId: id, rating: 5 } };
    },
    expect: OWNER_ONLY,
  },
  {
    name: 'customerErase',
    query: `mutation($i: CustomerEraseInput!) { customerErase(input: $i) { customer { id } userErrors { code } } }`,
    vars: async () => {
      const customerId = await newCustomer();
      const r = await app.raw(`query($id: ID!) { node(id: $id) { ... on Customer { email } } }`, { id: customerId }, admin.token);
      return { i: { customerId, confirmEmail: r.body.data!.node.email } };
    },
    expect: ADMIN,
  },
  // Dashboards: staff only (its figures: support-stats.test.ts).
  {
    name: 'supportStats',
    query: `{ supportStats(period: { from: "2026-02-01T00:00:00Z", to: "2026-03-01T00:00:00Z" }) { backlog { byStatus { key } } } }`,
    expect: STAFF,
  },
  // Webhooks: admins only (deliveries, signatures and retries: webhooks.test.ts).
  { name: 'webhookEndpoints', query: `{ webhookEndpoints { totalCount } }`, expect: ADMIN },
  {
    name: 'webhookEndpointCreate',
    query: `mutation { webhookEndpointCreate(input: { url: "http://127.0.0.1:9/hooks", eventTypes: [TICKET_FILED] }) { endpoint { id } userErrors { code } } }`,
    expect: ADMIN,
  },
  {
    name: 'webhookEndpointUpdate',
    query: `mutation($i: WebhookEndpointUpdateInput!) { webhookEndpointUpdate(input: $i) { endpoint { id } userErrors { code } } }`,
    vars: async () => ({ i: { endpointId: await newWebhookEndpoint(), description: 'Matrix, changed' } }),
    expect: ADMIN,
  },
  {
    name: 'webhookEndpointRotateSecret',
    query: `mutation($i: WebhookEndpointIdInput!) { webhookEndpointRotateSecret(input: $i) { endpoint { id } userErrors { code } } }`,
    vars: async () => ({ i: { endpointId: await newWebhookEndpoint() } }),
    expect: ADMIN,
  },
  {
    name: 'webhookEndpointDelete',
    query: `mutation($i: WebhookEndpointIdInput!) { webhookEndpointDelete(input: $i) { userErrors { code } } }`,
    vars: async () => ({ i: { endpointId: await newWebhookEndpoint() } }),
    expect: ADMIN,
  },
  {
    // No delivery exists here: the admin reaches the lookup (NOT_FOUND), everyone else is stopped before it.
    name: 'webhookDeliveryRedeliver',
    query: `mutation($i: WebhookDeliveryRedeliverInput!) { webhookDeliveryRedeliver(input: $i) { userErrors { code } } }`,
    vars: async () => ({ i: { deliveryId: toGlobalId('WebhookDelivery', randomUUID()) } }),
    expect: { ...ADMIN, admin: 'notFound' },
  },
];

/** A canned reply shared with all staff (made by the admin). */
async function sharedReply(): Promise<string> {
  const r = await app.raw(
    `mutation($i: CannedReplyCreateInput!) { cannedReplyCreate(input: $i) { cannedReply { id } } }`,
    { i: { title: 'Matrix shared', body: 'Hello {{merchant_name}}.', shared: true } },
    admin.token,
  );
  return r.body.data!.cannedReplyCreate.cannedReply.id;
}

/** Store access as a merchant gives it; the FTP port is closed, so a login check answers UNREACHABLE quickly. */
const ACCESS = {
  storeAdmin: { url: 'https://shop.example.com/admin/', username: 'support', password: 'Adm1n-matrix-pass' },
  fileAccess: { protocol: 'FTP', host: '127.0.0.1', port: 9, username: 'ftpuser', password: 'Ftp-matrix-pass' },
};

async function ticketWithAccess(assignAgent = false): Promise<string> {
  const r = await app.raw(
    `mutation($i: TicketCreateInput!) { ticketCreate(input: $i) { ticket { id } userErrors { code message } } }`,
    { i: { subject: 'With access', description: 'A ticket filed with store access.', category: 'BUG_FIX', access: ACCESS } },
    owner.token,
  );
  const id = r.body.data!.ticketCreate.ticket.id;
  if (assignAgent) {
    await app.raw(
      `mutation($i: TicketAssignInput!) { ticketAssign(input: $i) { userErrors { code } } }`,
      { i: { ticketId: id, assigneeId: agent.id } },
      admin.token,
    );
  }
  return id;
}

function agentId(): string {
  return agent.id;
}

let planIdCache: string | undefined;
async function premiumPlanId(): Promise<string> {
  planIdCache ??= (await app.admin.Plans()).plans.find((p) => p.kind === 'PREMIUM_MONTHLY')!.id;
  return planIdCache;
}

async function portTicket(): Promise<string> {
  const r = await app.raw(
    `mutation($i: TicketCreateInput!) { ticketCreate(input: $i) { ticket { id } } }`,
    {
      i: {
        subject: 'Port store',
        description: 'Our MijoShop store cannot send mail.',
        category: 'BUG_FIX',
        environment: { opencartVersion: '1.5.6.4', platform: 'MIJOSHOP' },
      },
    },
    owner.token,
  );
  return r.body.data!.ticketCreate.ticket.id;
}

/** A second premium purchase of the owner, so each refund case has a month of its own. */
async function freshOwnerSubscription(): Promise<string> {
  const r = await app.admin.SubscriptionCreate({ input: { customerId: owner.customerId, planId: await premiumPlanId(), months: 1 } });
  return r.subscriptionCreate.subscription!.id;
}

/** A refund waiting for an admin: a guaranteed first reply was missed. */
async function pendingRefund(): Promise<string> {
  const m = await createMerchant(app);
  const t = await m.sdk.TicketCreate({ input: { subject: 'Late reply', description: 'Nobody answered this ticket.', category: 'BUG_FIX' as never } });
  await app.admin.TicketAccessWaive({ input: { ticketId: t.ticketCreate.ticket!.id, reason: 'matrix set-up' } });
  const saved = app.now();
  app.setNow(saved.plus({ days: 3 }));
  const r = await m.sdk.RefundRequest({
    input: { subscriptionId: m.subscriptionId, reason: 'SERVICE_NOT_DELIVERED' as never, details: 'Our guaranteed reply never came.' },
  });
  app.setNow(saved);
  if (!r.refundRequest.refund) throw new Error(`no pending refund: ${JSON.stringify(r.refundRequest.userErrors)}`);
  return r.refundRequest.refund.id;
}

function outcomeOf(body: RawBody): Outcome | string {
  const code = body.errors?.[0]?.extensions?.code;
  if (code === 'UNAUTHENTICATED') return 'unauthenticated';
  if (code === 'FORBIDDEN') return 'forbidden';
  if (code) return `error ${code}: ${body.errors![0]!.message}`;
  const root = Object.values(body.data ?? {})[0] as Record<string, unknown> | unknown[] | null;
  if (root === null) return 'notFound';
  if (Array.isArray(root)) return root.every((item) => item === null) ? 'notFound' : 'ok';
  const errors = (root as { userErrors?: Array<{ code: string }> }).userErrors;
  if (errors?.length) {
    if (errors[0]!.code === 'NOT_FOUND') return 'notFound';
    if (errors[0]!.code === 'FORBIDDEN') return 'forbidden';
    return `userError ${errors[0]!.code}`;
  }
  return 'ok';
}

describe('who may do what: every operation for every role', () => {
  const rows = CASES.flatMap((c) => ROLES.map((role) => ({ op: c.name, role, c })));
  it.each(rows)('$op as $role', async ({ c, role }) => {
    let vars = c.vars ? await c.vars() : {};
    if (c.name === 'ticketCreate' && (role === 'agent' || role === 'admin')) vars = { i: { ...(vars.i as object), customerId: owner.customerId } };
    const { body } = await app.raw(c.query, vars, tokenFor(role));
    expect(outcomeOf(body)).toBe(c.expect[role]);
  });

  it('covers every query and mutation of the schema', async () => {
    const r = await app.raw(`{ __schema { queryType { fields { name } } mutationType { fields { name } } } }`);
    const all = [...r.body.data!.__schema.queryType.fields, ...r.body.data!.__schema.mutationType.fields].map((f: { name: string }) => f.name);
    const covered = new Set(CASES.map((c) => c.name.replace(/\(.*\)$/, '')));
    expect(all.filter((name) => !covered.has(name) && !EXEMPT.has(name))).toEqual([]);
  });
});

/** Operations whose access rules are proven in their own test files (none today). */
const EXEMPT = new Set<string>();

describe('what a merchant never sees', () => {
  it('internal notes stay out of the conversation, the last message and node()', async () => {
    const id = await newTicket();
    const note = await app.admin.TicketReply({ input: { ticketId: id, body: 'Internal: merchant seems to use a nulled theme.', internal: true } });
    const noteId = note.ticketReply.message!.id;
    await app.admin.TicketReply({ input: { ticketId: id, body: 'Hello, we are looking into it.' } });

    const mine = await owner.sdk.TicketDetail({ id });
    const bodies = (mine.node as { messages: { edges: Array<{ node: { body: string } }> } }).messages.edges.map((e) => e.node.body);
    expect(bodies).toEqual(['Hello, we are looking into it.']);
    const staffView = await app.admin.TicketDetail({ id });
    expect((staffView.node as { messages: { totalCount: number } }).messages.totalCount).toBe(2);

    const direct = await app.raw(`query($id: ID!) { node(id: $id) { id } }`, { id: noteId }, owner.token);
    expect(direct.body.data!.node).toBeNull();
    const events = (mine.node as { events: { edges: Array<{ node: { action: string } }> } }).events.edges.map((e) => e.node.action);
    expect(events).not.toContain('INTERNAL_NOTE_ADDED');
  });

  it('later pages of the conversation and the audit trail (after a cursor) keep internal notes and staff-only entries out too', async () => {
    const id = await newTicket();
    // A second apart, so that "oldest first" is the order they were written in.
    const saved = app.now();
    try {
      const replies = [
        ['First answer.', false],
        ['Internal: checked the error log.', true],
        ['Second answer.', false],
        ['Internal: waiting on the host.', true],
        ['Third answer.', false],
      ] as const;
      for (const [i, [body, internal]] of replies.entries()) {
        app.setNow(saved.plus({ seconds: i + 1 }));
        await app.admin.TicketReply({ input: { ticketId: id, body, internal } });
      }
    } finally {
      app.setNow(saved);
    }

    /** Every item of a ticket's connection, one per page, following the cursors. */
    async function pageByPage(field: 'messages' | 'events', item: 'body' | 'action', token: string): Promise<string[]> {
      const items: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 50; page++) {
        const r = await app.raw(
          `query($id: ID!, $after: String) { node(id: $id) { ... on Ticket { ${field}(first: 1, after: $after) { edges { node { ${item} } } pageInfo { hasNextPage endCursor } } } } }`,
          { id, after },
          token,
        );
        expect(r.body.errors).toBeUndefined();
        const connection = (
          r.body.data!.node as Record<string, { edges: Array<{ node: Record<string, string> }>; pageInfo: { hasNextPage: boolean; endCursor: string } }>
        )[field]!;
        items.push(...connection.edges.map((e) => e.node[item]!));
        if (!connection.pageInfo.hasNextPage) return items;
        after = connection.pageInfo.endCursor;
      }
      throw new Error(`${field}: more than 50 pages`);
    }

    const merchantMessages = await pageByPage('messages', 'body', owner.token);
    expect(merchantMessages.filter((body) => body.includes('answer.'))).toEqual(['First answer.', 'Second answer.', 'Third answer.']);
    expect(merchantMessages.some((body) => body.startsWith('Internal:'))).toBe(false);
    const staffMessages = await pageByPage('messages', 'body', agent.token);
    expect(staffMessages.filter((body) => body.startsWith('Internal:'))).toEqual(['Internal: checked the error log.', 'Internal: waiting on the host.']);

    const merchantEvents = await pageByPage('events', 'action', owner.token);
    expect(merchantEvents.length).toBeGreaterThan(0);
    expect(merchantEvents).not.toContain('INTERNAL_NOTE_ADDED');
    expect(await pageByPage('events', 'action', agent.token)).toContain('INTERNAL_NOTE_ADDED');
  });

  it("a customer's tickets, purchases and account trail read page by page hold what one page holds, for the merchant and for staff", async () => {
    for (let i = 0; i < 9; i++) await newTicket();
    const select = (field: string, first: number) =>
      `${field}(first: ${first}, after: $after) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } }`;
    type Page = { totalCount: number; edges: Array<{ node: { id: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string } };
    async function ids(field: 'tickets' | 'subscriptions' | 'events', first: number, token: string): Promise<string[]> {
      const found: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 200; page++) {
        // The merchant reaches their account through `viewer`, staff through node(id:).
        const r =
          token === owner.token
            ? await app.raw(`query($after: String) { viewer { customer { ${select(field, first)} } } }`, { after }, token)
            : await app.raw(
                `query($id: ID!, $after: String) { node(id: $id) { ... on Customer { ${select(field, first)} } } }`,
                { id: owner.customerId, after },
                token,
              );
        expect(r.body.errors).toBeUndefined();
        const data = r.body.data as { viewer?: { customer: Record<string, Page> }; node?: Record<string, Page> };
        const connection = (data.viewer?.customer ?? data.node)![field]!;
        found.push(...connection.edges.map((e) => e.node.id));
        if (!connection.pageInfo.hasNextPage) {
          expect(found).toHaveLength(connection.totalCount);
          return found;
        }
        after = connection.pageInfo.endCursor;
      }
      throw new Error(`${field}: more than 200 pages`);
    }
    for (const field of ['tickets', 'subscriptions', 'events'] as const) {
      for (const token of [owner.token, agent.token]) {
        const whole = await ids(field, 100, token);
        if (field !== 'events') expect(whole.length, field).toBeGreaterThan(1);
        expect(await ids(field, 7, token), field).toEqual(whole);
      }
    }
  });

  it('staff-only fields answer FORBIDDEN to a merchant, even on their own ticket', async () => {
    const id = await newTicket();
    for (const field of ['accessWaiverReason', 'accessWithheld', 'thirdPartyBlocked']) {
      const r = await app.raw(`query($id: ID!) { node(id: $id) { ... on Ticket { ${field} } } }`, { id }, owner.token);
      expect(r.body.errors?.[0]?.extensions?.code, field).toBe('FORBIDDEN');
    }
    const staff = await app.raw(`query($id: ID!) { node(id: $id) { ... on Ticket { accessWithheld } } }`, { id }, agent.token);
    expect(staff.body.errors).toBeUndefined();
  });

  it("a merchant's tickets list holds only their own tickets", async () => {
    await newTicket();
    const mine = await owner.sdk.Tickets({ first: 100 });
    const theirs = await other.sdk.Tickets({ first: 100 });
    const mineIds = new Set(mine.tickets.edges.map((e) => e.node.id));
    expect(mine.tickets.totalCount).toBeGreaterThan(0);
    expect(theirs.tickets.edges.some((e) => mineIds.has(e.node.id))).toBe(false);
    const filtered = await app.raw(`query($c: ID!) { tickets(first: 5, filter: { customerId: $c }) { totalCount } }`, { c: owner.customerId }, other.token);
    expect(filtered.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('a bad token is refused with HTTP 401, not treated as anonymous', async () => {
    const r = await app.raw(`{ plans { id } }`, {}, 'ocm_not-a-real-key');
    expect(r.status).toBe(401);
    expect(r.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
