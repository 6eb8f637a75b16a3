/**
 * What `npm run demo` writes, through the GraphQL API itself (so every rule applies): staff, a
 * few merchants with open tickets and conversations, and weeks of history before them for the
 * dashboard. The browser test of the dashboard seeds the same history.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { GraphQLClient } from 'graphql-request';
import { DateTime } from 'luxon';
import { issueToken, STAFF_TOKEN_PREFIX } from '../common/tokens';
import { StaffMember, StaffRole, StaffTeam } from '../modules/staff/staff-member.entity';

export interface DemoTokens {
  admin: string;
  developer: string;
  support: string;
}

export const DEMO_STAFF_DOMAIN = 'support.demo.example';

/** Three staff members (an admin and an agent of each team) and their tokens. */
export async function createDemoStaff(em: EntityManager): Promise<DemoTokens> {
  const tokens: Partial<DemoTokens> = {};
  for (const [key, name, role, team] of [
    ['admin', 'Morgan Admin', StaffRole.ADMIN, StaffTeam.DEVELOPMENT],
    ['developer', 'Dana Developer', StaffRole.AGENT, StaffTeam.DEVELOPMENT],
    ['support', 'Sam Support', StaffRole.AGENT, StaffTeam.SUPPORT],
  ] as const) {
    const issued = issueToken(STAFF_TOKEN_PREFIX);
    em.create(StaffMember, { email: `${key}@${DEMO_STAFF_DOMAIN}`, name, role, team, tokenHash: issued.hash });
    tokens[key] = issued.token;
  }
  await em.flush();
  return tokens as DemoTokens;
}

type Client = GraphQLClient;
type Input = Record<string, unknown>;

/** The API calls both seeders make, each checked for userErrors. */
class DemoApi {
  readonly admin: Client;
  readonly developer: Client;
  readonly support: Client;

  constructor(
    private readonly endpoint: string,
    tokens: DemoTokens,
  ) {
    this.admin = this.as(tokens.admin);
    this.developer = this.as(tokens.developer);
    this.support = this.as(tokens.support);
  }

  as(token: string): Client {
    return new GraphQLClient(this.endpoint, { headers: { authorization: `Bearer ${token}` } });
  }

  async call<T>(client: Client, query: string, variables: Input = {}): Promise<T> {
    const data = (await client.request(query, variables)) as Record<string, { userErrors?: unknown[] } | null>;
    const payload = Object.values(data)[0];
    if (payload?.userErrors?.length) throw new Error(`${query.slice(0, 60)}…: ${JSON.stringify(payload.userErrors)}`);
    return data as T;
  }

  // biome-ignore lint/suspicious/noExplicitAny: a payload is read as the selection written with it.
  private mutation(client: Client, name: string, inputType: string, selection: string, input: Input): Promise<any> {
    return this.call<Record<string, unknown>>(client, `mutation($i: ${inputType}!) { ${name}(input: $i) { ${selection} userErrors { message } } }`, {
      i: input,
    }).then((data) => data[name]);
  }

  async planId(kind: string): Promise<string> {
    const { plans } = await this.call<{ plans: Array<{ id: string; kind: string }> }>(this.admin, '{ plans { id kind } }');
    return plans.find((p) => p.kind === kind)!.id;
  }

  async staffId(name: string): Promise<string> {
    const { staffMembers } = await this.call<{ staffMembers: { nodes: Array<{ id: string; name: string }> } }>(
      this.admin,
      '{ staffMembers(first: 50) { nodes { id name } } }',
    );
    return staffMembers.nodes.find((s) => s.name === name)!.id;
  }

  /** A customer with a plan and an API key: its client, ids and key. */
  async merchant(input: { email: string; name: string; company: string; storeUrl: string; planKind: string; paymentReference: string; months?: number }) {
    const { customer } = await this.mutation(this.admin, 'customerCreate', 'CustomerCreateInput', 'customer { id }', {
      email: input.email,
      name: input.name,
      company: input.company,
      storeUrl: input.storeUrl,
    });
    const { subscription } = await this.mutation(this.admin, 'subscriptionCreate', 'SubscriptionCreateInput', 'subscription { id }', {
      customerId: customer.id,
      planId: await this.planId(input.planKind),
      paymentReference: input.paymentReference,
      ...(input.months ? { months: input.months } : {}),
    });
    const { token } = await this.mutation(this.admin, 'merchantApiKeyCreate', 'MerchantApiKeyCreateInput', 'token', {
      customerId: customer.id,
      name: 'OpenCart admin module',
    });
    return { client: this.as(token), key: token as string, customerId: customer.id as string, subscriptionId: subscription.id as string };
  }

  async file(client: Client, input: Input): Promise<{ id: string; platformFlags: string[] }> {
    return (await this.mutation(client, 'ticketCreate', 'TicketCreateInput', 'ticket { id platformFlags }', input)).ticket;
  }
  waive(ticketId: string, reason: string) {
    return this.mutation(this.admin, 'ticketAccessWaive', 'TicketAccessWaiveInput', 'ticket { id }', { ticketId, reason });
  }
  assign(ticketId: string, assigneeId: string) {
    return this.mutation(this.admin, 'ticketAssign', 'TicketAssignInput', 'ticket { id }', { ticketId, assigneeId });
  }
  reply(client: Client, ticketId: string, body: string, extra: Input = {}) {
    return this.mutation(client, 'ticketReply', 'TicketReplyInput', 'message { id }', { ticketId, body, ...extra });
  }
  status(client: Client, ticketId: string, status: string) {
    return this.mutation(client, 'ticketStatusChange', 'TicketStatusChangeInput', 'ticket { id }', { ticketId, status });
  }
  acceptPort(ticketId: string, note: string) {
    return this.mutation(this.admin, 'ticketPortDecide', 'TicketPortDecideInput', 'ticket { id }', { ticketId, decision: 'ACCEPT', note });
  }
  quote(ticketId: string, amount: number, note: string) {
    return this.mutation(this.admin, 'ticketQuoteSet', 'TicketQuoteSetInput', 'ticket { id }', { ticketId, amount, note });
  }
  /** A refund request as the merchant makes it; a refusal by rule is an answer too (no refund), not an error. */
  async requestRefund(client: Client, subscriptionId: string, details: string): Promise<{ id: string; status: string } | null> {
    const asked = await client.request<{ refundRequest: { refund: { id: string; status: string } | null } }>(
      'mutation($i: RefundRequestInput!) { refundRequest(input: $i) { refund { id status } userErrors { message code } } }',
      { i: { subscriptionId, reason: 'SERVICE_NOT_DELIVERED', details } },
    );
    return asked.refundRequest.refund;
  }
  decideRefund(refundId: string, decision: string, note: string) {
    return this.mutation(this.admin, 'refundDecide', 'RefundDecideInput', 'refund { id }', { refundId, decision, note });
  }
  async ban(customer: { email: string; name: string; company: string; storeUrl: string }, reason: string, note: string) {
    const { customer: created } = await this.mutation(this.admin, 'customerCreate', 'CustomerCreateInput', 'customer { id }', customer);
    return this.mutation(this.admin, 'customerBan', 'CustomerBanInput', 'customer { id }', { customerId: created.id, reason, note });
  }
}

/** A small deterministic sequence (the same history on every run). */
function sequence(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/** Seeds the merchants of today through the API; returns the API key of the first one (Olivia Hart). */
export async function seedCurrent(endpoint: string, tokens: DemoTokens): Promise<string> {
  const api = new DemoApi(endpoint, tokens);
  const { developer, support } = api;
  const dana = await api.staffId('Dana Developer');
  const merchant = (email: string, name: string, company: string, storeUrl: string, planKind: string) =>
    api.merchant({ email, name, company, storeUrl, planKind, paymentReference: `pay_${Math.random().toString(36).slice(2, 12)}` });
  const native3 = {
    platform: 'NATIVE',
    opencartVersion: '3.0.3.8',
    phpVersion: '7.4.33',
    webServer: 'Apache/2.4.57',
    databaseServer: 'MySQL 8.0.35',
    adminLanguage: 'en-gb',
  };

  // A Premium merchant with a checkout bug, worked by the development team.
  const northwind = await merchant(
    'olivia@northwind-outdoor.demo.example',
    'Olivia Hart',
    'Northwind Outdoor',
    'https://northwind-outdoor.demo.example',
    'PREMIUM_MONTHLY',
  );
  const checkout = await api.file(northwind.client, {
    subject: 'Guest checkout shows a blank page with PayPal',
    description:
      'Since updating the PayPal Commerce Platform extension yesterday, guests who choose PayPal see a blank page at step 5. Logged-in customers are fine.',
    category: 'BUG_FIX',
    priority: 'HIGH',
    environment: {
      ...native3,
      storeUrl: 'https://northwind-outdoor.demo.example',
      extensions: [{ kind: 'EXTENSION', code: 'paypal', name: 'PayPal Commerce Platform', version: '3.1.2', author: 'OpenCart', targetLine: '3.0' }],
    },
  });
  await api.waive(checkout.id, 'Merchant shared a staging copy with us by phone.');
  await api.assign(checkout.id, dana);
  await api.reply(
    developer,
    checkout.id,
    'Thanks Olivia. I can reproduce it on the staging copy: the extension throws a fatal error for guests. Working on a fix now.',
  );
  await api.reply(developer, checkout.id, 'Fatal in catalog/controller/extension/payment/paypal.php line 212: customer_id is null for guests.', {
    internal: true,
  });
  await api.status(developer, checkout.id, 'IN_PROGRESS');

  const shipping = await api.file(northwind.client, {
    subject: 'How do I offer free shipping over $100?',
    description: 'We want free shipping for orders over $100 in the US only, and flat rate otherwise. Which extension should we use?',
    category: 'SHIPPING_CONFIGURATION',
    environment: native3,
  });
  await api.waive(shipping.id, 'A configuration question: no store access needed.');
  await api.reply(
    developer,
    shipping.id,
    'Enable Extensions > Shipping > Free Shipping with a total of 100 and a US geo zone, and keep Flat Rate for everything else.',
  );
  await api.reply(northwind.client, shipping.id, 'That worked, thank you!');
  await api.status(developer, shipping.id, 'RESOLVED');

  // A one-time fix on OpenCart 4, still waiting for access.
  const bella = await merchant('marco@bellacasa.demo.example', 'Marco Rossi', 'Bella Casa', 'https://bellacasa.demo.example', 'ONE_TIME_FIX');
  await api.file(bella.client, {
    subject: 'Product images do not upload',
    description: 'Uploading any image in Catalog > Products gives "Warning: File could not be uploaded for an unknown reason!".',
    category: 'BUG_FIX',
    environment: { platform: 'NATIVE', opencartVersion: '4.0.2.3', phpVersion: '8.2.12', storeUrl: 'https://bellacasa.demo.example' },
  });

  // A MijoShop store: a port that waits for a staff decision, and custom work waiting on a quote.
  const crafts = await merchant('ann@joomla-crafts.demo.example', 'Ann Lee', 'Joomla Crafts', 'https://joomla-crafts.demo.example', 'PREMIUM_MONTHLY');
  await api.file(crafts.client, {
    subject: 'Order emails are not sent',
    description: 'Customers stopped receiving order confirmation emails after we moved hosts. Admin notifications still arrive.',
    category: 'BUG_FIX',
    environment: { platform: 'MIJOSHOP', platformVersion: '4.0.3', opencartVersion: '2.3.0.2', storeUrl: 'https://joomla-crafts.demo.example' },
  });
  const custom = await api.file(crafts.client, {
    subject: 'A gift-wrapping option at checkout',
    description: 'We would like customers to choose gift wrapping for $5 per order, with a message field, shown on the invoice.',
    category: 'NEW_FUNCTIONALITY',
  });
  await api.waive(custom.id, 'Scoping only.');
  await api.quote(custom.id, 24000, 'Gift-wrapping option with message and invoice line, about 6 hours.');

  // A legacy store: OpenCart 1.5.3.1, where fixes cannot be guaranteed.
  const vinyl = await merchant('joe@vintage-vinyl.demo.example', 'Joe Fender', 'Vintage Vinyl', 'https://vintage-vinyl.demo.example', 'PREMIUM_MONTHLY');
  const legacy = await api.file(vinyl.client, {
    subject: 'Admin login loops back to the login page',
    description: 'After entering the correct password the admin login page simply reloads. We have not changed anything.',
    category: 'BUG_FIX',
    environment: { platform: 'NATIVE', opencartVersion: '1.5.3.1', phpVersion: '5.6.40' },
  });
  await api.reply(support, legacy.id, 'Hello Joe, please send working store-admin and FTP access so we can look at the session settings.', {
    status: 'WAITING_ON_CUSTOMER',
  });
  return northwind.key;
}

const STORES = [
  {
    name: 'Priya Shah',
    company: 'Spice Route',
    domain: 'spice-route',
    kind: 'PREMIUM_MONTHLY',
    environment: { platform: 'NATIVE', opencartVersion: '3.0.3.8', phpVersion: '7.4.33' },
  },
  {
    name: 'Tom Becker',
    company: 'Alpine Gear',
    domain: 'alpine-gear',
    kind: 'PREMIUM_MONTHLY',
    environment: { platform: 'NATIVE', opencartVersion: '4.0.2.3', phpVersion: '8.2.12' },
  },
  {
    name: 'Lena Novak',
    company: 'Paper & Ink',
    domain: 'paper-ink',
    kind: 'PREMIUM_MONTHLY',
    environment: { platform: 'NATIVE', opencartVersion: '4.1.0.3', phpVersion: '8.3.4' },
  },
  {
    name: 'Ivan Petrov',
    company: 'Baltic Amber',
    domain: 'baltic-amber',
    kind: 'PREMIUM_MONTHLY',
    environment: { platform: 'OCSTORE', opencartVersion: '2.3.0.2.5', phpVersion: '7.1.33' },
  },
  {
    name: 'Grace Kim',
    company: 'Seoul Beauty',
    domain: 'seoul-beauty',
    kind: 'PREMIUM_MONTHLY',
    environment: { platform: 'NATIVE', opencartVersion: '3.0.4.0', phpVersion: '8.1.27' },
  },
  {
    name: 'Carlos Ruiz',
    company: 'Cafe Andino',
    domain: 'cafe-andino',
    kind: 'ONE_TIME_FIX',
    environment: { platform: 'JOOCART', opencartVersion: '2.1.0.2', phpVersion: '5.6.40' },
  },
  {
    name: 'Emma Wilson',
    company: 'Tea Garden',
    domain: 'tea-garden',
    kind: 'ONE_TIME_FIX',
    environment: { platform: 'NATIVE', opencartVersion: '1.5.6.4', phpVersion: '5.6.40' },
  },
  {
    name: 'Noah Brown',
    company: 'Trail Bikes',
    domain: 'trail-bikes',
    kind: 'PREMIUM_MONTHLY',
    environment: { platform: 'MIJOSHOP', opencartVersion: '2.3.0.2', phpVersion: '7.2.34' },
  },
] as const;

const TOPICS = [
  {
    category: 'BUG_FIX',
    subject: 'Checkout stops at the payment step',
    description: 'After choosing a payment method the checkout spinner never stops and no order is created.',
  },
  {
    category: 'MODULE_CONFIGURATION',
    subject: 'Featured module shows no products',
    description: 'The Featured module on the home page is empty although products are selected in its settings.',
  },
  {
    category: 'SHIPPING_CONFIGURATION',
    subject: 'Weight based shipping charges zero',
    description: 'Weight based shipping shows 0.00 for every order to Canada since we added the new geo zone.',
  },
  {
    category: 'PAYMENT_PROVIDER_CONFIGURATION',
    subject: 'Stripe payments declined in live mode',
    description: 'Test mode works, but in live mode every card payment is declined with a generic error message.',
  },
  {
    category: 'INSTALLATION_SETUP',
    subject: 'Help moving the store to a new host',
    description: 'We are moving to a new hosting company and need the config files and database settings checked after the move.',
  },
  {
    category: 'LANGUAGE_CONFIGURATION',
    subject: 'French language pack shows keys',
    description: 'After installing the French language pack some pages show text keys such as text_checkout instead of words.',
  },
  {
    category: 'ISSUE_PROFILING',
    subject: 'Category pages are very slow',
    description: 'Category pages with more than 200 products take over ten seconds to load since last month.',
  },
] as const;

export interface HistoryClock {
  /** Where "now" is: the history ends the week before it. */
  now: DateTime;
  /** Moves the clock of the API the seeding goes through. */
  setNow(at: DateTime): void;
  /** How many weeks of history (6 unless told). */
  weeks?: number;
}

/**
 * Six weeks (or `clock.weeks`) of support history, filed and worked through the API on a clock set back in time:
 * merchants on both plans and many platforms, tickets answered on time and late (a late
 * guaranteed reply is what a refund is asked for), resolved or still open, a ban.
 */
export async function seedHistory(endpoint: string, tokens: DemoTokens, clock: HistoryClock): Promise<{ merchants: number; tickets: number; refunds: number }> {
  const api = new DemoApi(endpoint, tokens);
  const random = sequence(20261203);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const zone = 'America/New_York';
  const weeks = clock.weeks ?? 6;
  // Mondays at 00:00 New York, `weeks` back: filing times are laid out from there.
  const start = clock.now.setZone(zone).startOf('week').minus({ weeks });
  clock.setNow(start.minus({ days: 3 }));
  const dana = await api.staffId('Dana Developer');
  const sam = await api.staffId('Sam Support');

  let tickets = 0;
  let refunds = 0;
  const merchants = [];
  for (const store of STORES) {
    const made = await api.merchant({
      email: `${store.domain.split('-')[0]}@${store.domain}.demo.example`,
      name: store.name,
      company: store.company,
      storeUrl: `https://${store.domain}.demo.example`,
      planKind: store.kind,
      paymentReference: `pay_${Math.floor(random() * 1e10).toString(36)}`,
      months: store.kind === 'PREMIUM_MONTHLY' ? 3 : undefined,
    });
    merchants.push({ ...made, store });
  }

  // Each working day, a ticket or two from the Premium stores (one-time fixes file once).
  const oneTimeUsed = new Set<string>();
  const days = weeks * 7;
  for (let day = 0; day < days; day += 1) {
    const date = start.plus({ days: day });
    if (date.weekday > 5) continue;
    for (let n = random() < 0.5 ? 1 : 2; n > 0; n -= 1) {
      const m = pick(merchants);
      if (m.store.kind === 'ONE_TIME_FIX') {
        if (oneTimeUsed.has(m.customerId)) continue;
        oneTimeUsed.add(m.customerId);
      }
      const topic = pick(TOPICS);
      let at = date.set({ hour: 2 + Math.floor(random() * 10), minute: Math.floor(random() * 60) });
      clock.setNow(at);
      const ticket = await api.file(m.client, {
        subject: topic.subject,
        description: topic.description,
        category: topic.category,
        environment: { ...m.store.environment, storeUrl: `https://${m.store.domain}.demo.example` },
      });
      tickets += 1;
      const premium = m.store.kind === 'PREMIUM_MONTHLY';
      const agent = premium ? api.developer : api.support;
      // Most stores give access within the hour; the ports wait for a decision in the meantime.
      at = at.plus({ minutes: 10 + Math.floor(random() * 50) });
      clock.setNow(at);
      await api.waive(ticket.id, 'Access checked on a staging copy.');
      await api.assign(ticket.id, premium ? dana : sam);
      if (ticket.platformFlags.includes('NON_NATIVE_PORT')) await api.acceptPort(ticket.id, 'A standard MijoShop/JooCart setup: we support it.');
      // The last days' tickets are still being worked on; one in six first replies comes late.
      if (day >= days - 3 && random() < 0.6) continue;
      const late = random() < 1 / 6;
      at = at.plus({ hours: late ? 30 + Math.floor(random() * 20) : 1 + Math.floor(random() * 5) });
      clock.setNow(at);
      await api.reply(
        agent,
        ticket.id,
        late ? 'Sorry for the wait: we are on it now and will report back today.' : 'Thanks, we can reproduce this and are working on it.',
      );
      if (random() < 0.15) continue;
      at = at.plus({ hours: 2 + Math.floor(random() * (random() < 0.2 ? 60 : 12)) });
      clock.setNow(at);
      await api.status(agent, ticket.id, 'RESOLVED');
      // A merchant whose guaranteed reply came late asks for the month back.
      if (late && premium && refunds < 3) {
        clock.setNow(at.plus({ hours: 1 }));
        const refund = await api.requestRefund(m.client, m.subscriptionId, 'The guaranteed first reply came more than a support day late.');
        if (refund) {
          refunds += 1;
          if (refund.status === 'PENDING') await api.decideRefund(refund.id, refunds % 2 ? 'APPROVED' : 'REJECTED', 'Checked against the ticket history.');
        }
      }
    }
  }
  // A merchant banned for abuse two weeks ago.
  clock.setNow(start.plus({ weeks: Math.max(0, weeks - 2), hours: 10 }));
  await api.ban(
    { email: 'max@cheap-deals.demo.example', name: 'Max Power', company: 'Cheap Deals', storeUrl: 'https://cheap-deals.demo.example' },
    'ABUSE',
    'Insulted the support staff in several tickets.',
  );
  return { merchants: merchants.length + 1, tickets, refunds };
}
