/**
 * npm run demo: fills the database with a few realistic merchants, tickets and conversations,
 * and six weeks of history before them (replies on time and late, resolutions, refunds, a ban,
 * many OpenCart versions and ports) for the dashboards, all made through the GraphQL API itself
 * (so every rule applies; the history on a clock moved back in time), and prints staff tokens
 * and a merchant's API key to try. It writes to the database the environment names (DATA_DIR,
 * EMBEDDED_PG_PORT or DATABASE_URL), so it must run with the same values as `npm start`.
 */
import 'reflect-metadata';
import { GraphQLClient } from 'graphql-request';
import { DateTime } from 'luxon';
import { loadConfig } from '../app/config';
import { systemClock } from '../app/clock';
import { startHttpApp } from '../app/http';
import { createLogger } from '../app/logger';
import { startRuntime } from '../app/runtime';
import { supportCalendarFrom } from '../app/support-hours';
import { issueToken, STAFF_TOKEN_PREFIX } from '../common/tokens';
import { StaffMember, StaffRole, StaffTeam } from '../modules/staff/staff-member.entity';

const config = loadConfig();
// Never the URL itself: it may hold a password.
const where = config.DATABASE_URL ? 'the PostgreSQL database of DATABASE_URL' : `${config.dataDir} (embedded PostgreSQL on port ${config.EMBEDDED_PG_PORT})`;
const logger = createLogger('warn');
const runtime = await startRuntime(config, logger);
// The history is written as it would have happened: the demo's own API runs on a clock it moves.
let demoNow: DateTime | null = null;
const app = await startHttpApp({
  orm: runtime.orm,
  logger,
  clock: () => demoNow ?? systemClock(),
  calendar: supportCalendarFrom(config),
  vault: runtime.vault.vault,
  host: '127.0.0.1',
  port: 0,
});

try {
  const em = runtime.orm.em.fork();
  if (await em.count(StaffMember, { email: { $like: '%@support.demo.example' } })) {
    console.log(`The demo data is already there, in ${where}. (Delete the DATA_DIR folder to start over.)`);
  } else {
    const tokens: Record<string, string> = {};
    for (const [key, name, role, team] of [
      ['admin', 'Morgan Admin', StaffRole.ADMIN, StaffTeam.DEVELOPMENT],
      ['developer', 'Dana Developer', StaffRole.AGENT, StaffTeam.DEVELOPMENT],
      ['support', 'Sam Support', StaffRole.AGENT, StaffTeam.SUPPORT],
    ] as const) {
      const issued = issueToken(STAFF_TOKEN_PREFIX);
      em.create(StaffMember, { email: `${key}@support.demo.example`, name, role, team, tokenHash: issued.hash });
      tokens[key] = issued.token;
    }
    await em.flush();
    const history = await seedHistory(`${app.url}/graphql`, tokens, (at) => (demoNow = at));
    demoNow = null;
    const merchantKey = await seed(`${app.url}/graphql`, tokens);
    console.log(`
Demo data created in ${where} (npm start must use the same DATA_DIR, EMBEDDED_PG_PORT or DATABASE_URL to show it):
4 merchants, their plans, tickets and conversations, and six weeks of history before them
(${history.merchants} more merchants, ${history.tickets} tickets, ${history.refunds} refund requests) for supportStats and the dashboard.
Staff tokens (shown once):
  Morgan Admin   (ADMIN)                  ${tokens.admin}
  Dana Developer (AGENT, development team) ${tokens.developer}
  Sam Support    (AGENT, support team)     ${tokens.support}
Merchant API key (shown once):
  Olivia Hart    (Northwind Outdoor, Premium Support) ${merchantKey}
In the playground of the running API (\`npm start\`; if it is not running yet, start it the same way),
paste one into the Headers, e.g. {"Authorization": "Bearer ${tokens.developer}"} for staff,
or {"Authorization": "Bearer ${merchantKey}"} to see Olivia's own tickets.`);
  }
} finally {
  await app.stop();
  await runtime.close();
}

/** Seeds through the API; returns the API key of the first merchant (Olivia Hart). */
async function seed(endpoint: string, tokens: Record<string, string>): Promise<string> {
  const as = (token: string) => new GraphQLClient(endpoint, { headers: { authorization: `Bearer ${token}` } });
  const admin = as(tokens.admin!);
  const call = async <T = any>(client: GraphQLClient, query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const data = (await client.request(query, variables)) as Record<string, any>;
    const payload = Object.values(data)[0];
    if (payload?.userErrors?.length) throw new Error(`${query.slice(0, 60)}…: ${JSON.stringify(payload.userErrors)}`);
    return data as T;
  };
  const plans = (await call<{ plans: Array<{ id: string; kind: string }> }>(admin, '{ plans { id kind } }')).plans;
  const plan = (kind: string) => plans.find((p) => p.kind === kind)!.id;
  const staff = (await call<{ staffMembers: { nodes: Array<{ id: string; name: string }> } }>(admin, '{ staffMembers(first: 20) { nodes { id name } } }'))
    .staffMembers.nodes;
  const dana = staff.find((s) => s.name === 'Dana Developer')!.id;
  const developer = as(tokens.developer!);
  const support = as(tokens.support!);

  async function merchant(email: string, name: string, company: string, storeUrl: string, kind: string) {
    const c = await call(admin, `mutation($i: CustomerCreateInput!) { customerCreate(input: $i) { customer { id } userErrors { message } } }`, {
      i: { email, name, company, storeUrl },
    });
    const customerId = c.customerCreate.customer.id;
    await call(admin, `mutation($i: SubscriptionCreateInput!) { subscriptionCreate(input: $i) { subscription { id } userErrors { message } } }`, {
      i: { customerId, planId: plan(kind), paymentReference: `pay_${Math.random().toString(36).slice(2, 12)}` },
    });
    const k = await call(admin, `mutation($i: MerchantApiKeyCreateInput!) { merchantApiKeyCreate(input: $i) { token userErrors { message } } }`, {
      i: { customerId, name: 'OpenCart admin module' },
    });
    const token = k.merchantApiKeyCreate.token as string;
    merchantKeys.push(token);
    return as(token);
  }
  const merchantKeys: string[] = [];
  const file = async (client: GraphQLClient, input: Record<string, unknown>) =>
    (await call(client, `mutation($i: TicketCreateInput!) { ticketCreate(input: $i) { ticket { id } userErrors { message } } }`, { i: input })).ticketCreate
      .ticket.id as string;
  const reply = (client: GraphQLClient, ticketId: string, body: string, extra: Record<string, unknown> = {}) =>
    call(client, `mutation($i: TicketReplyInput!) { ticketReply(input: $i) { message { id } userErrors { message } } }`, { i: { ticketId, body, ...extra } });
  const waive = (ticketId: string, reason: string) =>
    call(admin, `mutation($i: TicketAccessWaiveInput!) { ticketAccessWaive(input: $i) { ticket { id } userErrors { message } } }`, { i: { ticketId, reason } });
  const status = (client: GraphQLClient, ticketId: string, s: string) =>
    call(client, `mutation($i: TicketStatusChangeInput!) { ticketStatusChange(input: $i) { ticket { id } userErrors { message } } }`, {
      i: { ticketId, status: s },
    });
  const assign = (ticketId: string, assigneeId: string) =>
    call(admin, `mutation($i: TicketAssignInput!) { ticketAssign(input: $i) { ticket { id } userErrors { message } } }`, { i: { ticketId, assigneeId } });

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
  const checkout = await file(northwind, {
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
  await waive(checkout, 'Merchant shared a staging copy with us by phone.');
  await assign(checkout, dana);
  await reply(
    developer,
    checkout,
    'Thanks Olivia. I can reproduce it on the staging copy: the extension throws a fatal error for guests. Working on a fix now.',
  );
  await reply(developer, checkout, 'Fatal in catalog/controller/extension/payment/paypal.php line 212: customer_id is null for guests.', { internal: true });
  await status(developer, checkout, 'IN_PROGRESS');

  const shipping = await file(northwind, {
    subject: 'How do I offer free shipping over $100?',
    description: 'We want free shipping for orders over $100 in the US only, and flat rate otherwise. Which extension should we use?',
    category: 'SHIPPING_CONFIGURATION',
    environment: native3,
  });
  await waive(shipping, 'A configuration question: no store access needed.');
  await reply(
    developer,
    shipping,
    'Enable Extensions > Shipping > Free Shipping with a total of 100 and a US geo zone, and keep Flat Rate for everything else.',
  );
  await reply(northwind, shipping, 'That worked, thank you!');
  await status(developer, shipping, 'RESOLVED');

  // A one-time fix on OpenCart 4, still waiting for access.
  const bella = await merchant('marco@bellacasa.demo.example', 'Marco Rossi', 'Bella Casa', 'https://bellacasa.demo.example', 'ONE_TIME_FIX');
  await file(bella, {
    subject: 'Product images do not upload',
    description: 'Uploading any image in Catalog > Products gives "Warning: File could not be uploaded for an unknown reason!".',
    category: 'BUG_FIX',
    environment: { platform: 'NATIVE', opencartVersion: '4.0.2.3', phpVersion: '8.2.12', storeUrl: 'https://bellacasa.demo.example' },
  });

  // A MijoShop store: a port that waits for a staff decision, and custom work waiting on a quote.
  const crafts = await merchant('ann@joomla-crafts.demo.example', 'Ann Lee', 'Joomla Crafts', 'https://joomla-crafts.demo.example', 'PREMIUM_MONTHLY');
  await file(crafts, {
    subject: 'Order emails are not sent',
    description: 'Customers stopped receiving order confirmation emails after we moved hosts. Admin notifications still arrive.',
    category: 'BUG_FIX',
    environment: { platform: 'MIJOSHOP', platformVersion: '4.0.3', opencartVersion: '2.3.0.2', storeUrl: 'https://joomla-crafts.demo.example' },
  });
  const custom = await file(crafts, {
    subject: 'A gift-wrapping option at checkout',
    description: 'We would like customers to choose gift wrapping for $5 per order, with a message field, shown on the invoice.',
    category: 'NEW_FUNCTIONALITY',
  });
  await waive(custom, 'Scoping only.');
  await call(admin, `mutation($i: TicketQuoteSetInput!) { ticketQuoteSet(input: $i) { ticket { id } userErrors { message } } }`, {
    i: { ticketId: custom, amount: 24000, note: 'Gift-wrapping option with message and invoice line, about 6 hours.' },
  });

  // A legacy store: OpenCart 1.5.3.1, where fixes cannot be guaranteed.
  const vinyl = await merchant('joe@vintage-vinyl.demo.example', 'Joe Fender', 'Vintage Vinyl', 'https://vintage-vinyl.demo.example', 'PREMIUM_MONTHLY');
  const legacy = await file(vinyl, {
    subject: 'Admin login loops back to the login page',
    description: 'After entering the correct password the admin login page simply reloads. We have not changed anything.',
    category: 'BUG_FIX',
    environment: { platform: 'NATIVE', opencartVersion: '1.5.3.1', phpVersion: '5.6.40' },
  });
  await reply(support, legacy, 'Hello Joe, please send working store-admin and FTP access so we can look at the session settings.', {
    status: 'WAITING_ON_CUSTOMER',
  });
  return merchantKeys[0]!;
}

/** A small deterministic sequence (the same history on every run). */
function sequence(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/**
 * Six weeks of support history, filed and worked through the API on a clock set back in time:
 * merchants on both plans and many platforms, tickets answered on time and late (a late
 * guaranteed reply is what a refund is asked for), resolved or still open, a ban.
 */
async function seedHistory(
  endpoint: string,
  tokens: Record<string, string>,
  setNow: (at: DateTime) => void,
): Promise<{ merchants: number; tickets: number; refunds: number }> {
  const as = (token: string) => new GraphQLClient(endpoint, { headers: { authorization: `Bearer ${token}` } });
  const admin = as(tokens.admin!);
  const call = async <T = any>(client: GraphQLClient, query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const data = (await client.request(query, variables)) as Record<string, any>;
    const payload = Object.values(data)[0];
    if (payload?.userErrors?.length) throw new Error(`${query.slice(0, 60)}…: ${JSON.stringify(payload.userErrors)}`);
    return data as T;
  };
  const random = sequence(20261203);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const zone = 'America/New_York';
  // Mondays at 00:00 New York, six weeks back: filing times are laid out from there.
  const start = DateTime.now().setZone(zone).startOf('week').minus({ weeks: 6 });
  setNow(start.minus({ days: 3 }));

  const plans = (await call<{ plans: Array<{ id: string; kind: string }> }>(admin, '{ plans { id kind } }')).plans;
  const staff = (await call<{ staffMembers: { nodes: Array<{ id: string; name: string }> } }>(admin, '{ staffMembers(first: 20) { nodes { id name } } }'))
    .staffMembers.nodes;
  const dana = staff.find((s) => s.name === 'Dana Developer')!.id;
  const sam = staff.find((s) => s.name === 'Sam Support')!.id;
  const developer = as(tokens.developer!);
  const support = as(tokens.support!);

  const stores = [
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
  const topics = [
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

  let tickets = 0;
  let refunds = 0;
  const merchants: Array<{ client: GraphQLClient; subscriptionId: string; customerId: string; store: (typeof stores)[number] }> = [];
  for (const store of stores) {
    const email = `${store.domain.split('-')[0]}@${store.domain}.demo.example`;
    const storeUrl = `https://${store.domain}.demo.example`;
    const c = await call(admin, `mutation($i: CustomerCreateInput!) { customerCreate(input: $i) { customer { id } userErrors { message } } }`, {
      i: { email, name: store.name, company: store.company, storeUrl },
    });
    const customerId = c.customerCreate.customer.id as string;
    const sub = await call(admin, `mutation($i: SubscriptionCreateInput!) { subscriptionCreate(input: $i) { subscription { id } userErrors { message } } }`, {
      i: {
        customerId,
        planId: plans.find((p) => p.kind === store.kind)!.id,
        paymentReference: `pay_${Math.floor(random() * 1e10).toString(36)}`,
        ...(store.kind === 'PREMIUM_MONTHLY' ? { months: 3 } : {}),
      },
    });
    const key = await call(admin, `mutation($i: MerchantApiKeyCreateInput!) { merchantApiKeyCreate(input: $i) { token userErrors { message } } }`, {
      i: { customerId, name: 'OpenCart admin module' },
    });
    merchants.push({
      client: as(key.merchantApiKeyCreate.token as string),
      subscriptionId: sub.subscriptionCreate.subscription.id as string,
      customerId,
      store,
    });
  }

  // Each working day of the six weeks, a ticket or two from the Premium stores (one-time fixes file once).
  const oneTimeUsed = new Set<string>();
  for (let day = 0; day < 42; day += 1) {
    const date = start.plus({ days: day });
    if (date.weekday > 5) continue;
    for (let n = random() < 0.5 ? 1 : 2; n > 0; n -= 1) {
      const m = pick(merchants);
      if (m.store.kind === 'ONE_TIME_FIX') {
        if (oneTimeUsed.has(m.customerId)) continue;
        oneTimeUsed.add(m.customerId);
      }
      const topic = pick(topics);
      let at = date.set({ hour: 2 + Math.floor(random() * 10), minute: Math.floor(random() * 60) });
      setNow(at);
      const filed = await call(
        m.client,
        `mutation($i: TicketCreateInput!) { ticketCreate(input: $i) { ticket { id platformFlags } userErrors { message } } }`,
        {
          i: {
            subject: topic.subject,
            description: topic.description,
            category: topic.category,
            environment: { ...m.store.environment, storeUrl: `https://${m.store.domain}.demo.example` },
          },
        },
      );
      const ticketId = filed.ticketCreate.ticket.id as string;
      tickets += 1;
      const premium = m.store.kind === 'PREMIUM_MONTHLY';
      const agent = premium ? developer : support;
      // Most stores give access within the hour; the ports wait for a decision in the meantime.
      at = at.plus({ minutes: 10 + Math.floor(random() * 50) });
      setNow(at);
      await call(admin, `mutation($i: TicketAccessWaiveInput!) { ticketAccessWaive(input: $i) { ticket { id } userErrors { message } } }`, {
        i: { ticketId, reason: 'Access checked on a staging copy.' },
      });
      await call(admin, `mutation($i: TicketAssignInput!) { ticketAssign(input: $i) { ticket { id } userErrors { message } } }`, {
        i: { ticketId, assigneeId: premium ? dana : sam },
      });
      if ((filed.ticketCreate.ticket.platformFlags as string[]).includes('NON_NATIVE_PORT')) {
        await call(admin, `mutation($i: TicketPortDecideInput!) { ticketPortDecide(input: $i) { ticket { id } userErrors { message } } }`, {
          i: { ticketId, decision: 'ACCEPT', note: 'A standard MijoShop/JooCart setup: we support it.' },
        });
      }
      // The last days' tickets are still being worked on; one in six first replies comes late.
      if (day >= 39 && random() < 0.6) continue;
      const late = random() < 1 / 6;
      at = at.plus({ hours: late ? 30 + Math.floor(random() * 20) : 1 + Math.floor(random() * 5) });
      setNow(at);
      await call(agent, `mutation($i: TicketReplyInput!) { ticketReply(input: $i) { message { id } userErrors { message } } }`, {
        i: {
          ticketId,
          body: late ? 'Sorry for the wait: we are on it now and will report back today.' : 'Thanks, we can reproduce this and are working on it.',
        },
      });
      if (random() < 0.15) continue;
      at = at.plus({ hours: 2 + Math.floor(random() * (random() < 0.2 ? 60 : 12)) });
      setNow(at);
      await call(agent, `mutation($i: TicketStatusChangeInput!) { ticketStatusChange(input: $i) { ticket { id } userErrors { message } } }`, {
        i: { ticketId, status: 'RESOLVED' },
      });
      // A merchant whose guaranteed reply came late asks for the month back.
      if (late && premium && refunds < 3) {
        setNow(at.plus({ hours: 1 }));
        const asked = await m.client.request<any>(
          `mutation($i: RefundRequestInput!) { refundRequest(input: $i) { refund { id status } userErrors { message code } } }`,
          {
            i: { subscriptionId: m.subscriptionId, reason: 'SERVICE_NOT_DELIVERED', details: 'The guaranteed first reply came more than a support day late.' },
          },
        );
        const refund = asked.refundRequest.refund;
        if (refund) {
          refunds += 1;
          if (refund.status === 'PENDING') {
            await call(admin, `mutation($i: RefundDecideInput!) { refundDecide(input: $i) { refund { id } userErrors { message } } }`, {
              i: { refundId: refund.id, decision: refunds % 2 ? 'APPROVED' : 'REJECTED', note: 'Checked against the ticket history.' },
            });
          }
        }
      }
    }
  }
  // A merchant banned for abuse two weeks ago.
  setNow(start.plus({ weeks: 4, hours: 10 }));
  const banned = await call(admin, `mutation($i: CustomerCreateInput!) { customerCreate(input: $i) { customer { id } userErrors { message } } }`, {
    i: { email: 'max@cheap-deals.demo.example', name: 'Max Power', company: 'Cheap Deals', storeUrl: 'https://cheap-deals.demo.example' },
  });
  await call(admin, `mutation($i: CustomerBanInput!) { customerBan(input: $i) { customer { id } userErrors { message } } }`, {
    i: { customerId: banned.customerCreate.customer.id, reason: 'ABUSE', note: 'Insulted the support staff in several tickets.' },
  });
  return { merchants: merchants.length + 1, tickets, refunds };
}
