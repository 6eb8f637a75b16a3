/**
 * The benchmark's data set, written with bulk SQL: customers with a Premium subscription each,
 * agents in both teams, tickets spread over two years (mostly resolved or closed, a few thousand
 * still open) with three messages each. Open tickets get their SLA clock and urgency from the
 * same rules as the API (ticket-clock.ts), so due times and the overdue filter agree with it.
 */
import { DateTime } from 'luxon';
import type pg from 'pg';
import { SupportCalendar } from '../server/modules/support-hours/support-calendar';
import { QuoteStatus } from '../server/modules/ticket/coverage';
import { clockShouldRun, nextDue } from '../server/modules/ticket/ticket-clock';
import { NOT_DUE, type Ticket } from '../server/modules/ticket/ticket.entity';
import { TicketStatus } from '../server/modules/ticket/ticket.enums';

export interface SeedSize {
  tickets: number;
  customers: number;
  openTickets: number;
}

/** Tickets of the list scenario's merchant, whatever the size of the data set. */
export const BENCH_MERCHANT_TICKETS = 40;

export function seedSize(tickets: number): SeedSize {
  return {
    tickets,
    // ~2k customers for 10k tickets, ~50k for 1M.
    customers: Math.max(10, Math.round(2_000 * (tickets / 10_000) ** (Math.log(25) / Math.log(100)))),
    openTickets: Math.min(tickets, tickets >= 100_000 ? 5_000 : Math.max(50, Math.round(tickets * 0.2))),
  };
}

const PRIORITIES = ['LOW', 'NORMAL', 'NORMAL', 'NORMAL', 'HIGH', 'URGENT'] as const;
const OPEN_STATUSES = [TicketStatus.OPEN, TicketStatus.OPEN, TicketStatus.IN_PROGRESS, TicketStatus.WAITING_ON_CUSTOMER, TicketStatus.AWAITING_ACCESS] as const;
const DESCRIPTION =
  'Since the last update, guests who pay with PayPal Standard see a blank page after confirming the order. ' +
  'The order is created with status Missing, the payment is taken, and the customer gets no confirmation mail. ' +
  'Error log attached; the store runs OpenCart 3.0.3.8 on PHP 8.1 with a custom theme and the one-page checkout.';

/** Writes the data set into a migrated database with the plan catalogue; returns what the bench needs. */
export async function seed(client: pg.Client, size: SeedSize, calendar: SupportCalendar, now: DateTime): Promise<void> {
  const closed = size.tickets - size.openTickets;
  await client.query('begin');
  // Bulk load: foreign keys are right by construction, and secondary indexes are built once at the end.
  await client.query(`set local session_replication_role = replica`);
  const { rows: indexes } = await client.query(
    `select indexname, indexdef from pg_indexes
      where schemaname = 'public' and tablename in ('ticket', 'ticket_message') and indexname not in (select conname from pg_constraint)`,
  );
  for (const index of indexes) await client.query(`drop index "${index.indexname}"`);
  await client.query(`
    insert into staff_member (id, email, name, role, team, token_hash)
    select gen_random_uuid(), 'agent' || g || '@bench.test', 'Agent ' || g, 'AGENT',
           (case when g % 2 = 0 then 'DEVELOPMENT' else 'SUPPORT' end)::staff_team, md5('agent' || g) || md5('agent-' || g)
      from generate_series(1, 20) g`);
  await client.query(
    `insert into customer (id, email, name, company, store_url)
     select gen_random_uuid(), 'merchant' || g || '@shop.bench', 'Merchant ' || g, 'Shop ' || g || ' Ltd', 'https://shop' || g || '.bench'
       from generate_series(1, $1::int) g`,
    [size.customers],
  );
  await client.query(`
    create temporary table bench_customer on commit drop as
    select c.id as customer_id, gen_random_uuid() as subscription_id, row_number() over (order by c.email) - 1 as n from customer c`);
  await client.query(`
    insert into subscription (id, customer_id, plan_id, contract_start, months, status, price_amount, currency)
    select b.subscription_id, b.customer_id, p.id, now() - interval '20 days', 12, 'ACTIVE', p.price_amount, p.currency
      from bench_customer b cross join (select * from plan where kind = 'PREMIUM_MONTHLY' order by price_amount limit 1) p`);
  await client.query(
    `create temporary table bench_agent on commit drop as select id, team, row_number() over (order by email) - 1 as n from staff_member where email like '%@bench.test'`,
  );
  // Resolved and closed tickets: serials 1…closed, oldest first, over two years; clocks stopped.
  await client.query(
    `insert into ticket (id, created_at, updated_at, serial, customer_id, subscription_id, subject, description, category, coverage,
                         status, priority, assignee_id, team, complex, environment, platform_flags, fix_guaranteed, sla_guaranteed,
                         consumes_allowance, period_index, clock_used_minutes, support_day_minutes, first_reply_at, first_reply_minutes,
                         resolved_at, resolution_minutes, closed_at, access_state, access_disabled_at, last_activity_at)
     select gen_random_uuid(), t.created, t.created + interval '1 day', g, b.customer_id, b.subscription_id,
            'Checkout problem #' || g, $3, 'BUG_FIX', 'COVERED',
            (case when g % 3 = 0 then 'CLOSED' else 'RESOLVED' end)::ticket_status,
            (array['LOW','NORMAL','NORMAL','NORMAL','HIGH','URGENT'])[1 + g % 6]::ticket_priority,
            a.id, 'DEVELOPMENT', g % 10 = 0,
            jsonb_build_object('opencartVersion', '3.0.3.8', 'phpVersion', '8.1.27', 'extensions', jsonb_build_array('one_page_checkout', 'paypal_standard')),
            '{}', true, true, true, 0, 60 + g % 400, 540,
            t.created + interval '2 hours', 20 + g % 300, t.created + interval '1 day', 60 + g % 400,
            case when g % 3 = 0 then t.created + interval '3 days' end, 'PROVIDED', t.created + interval '2 days', t.created + interval '1 day'
       from generate_series(1, $1::int) g
       cross join lateral (select now() - interval '730 days' + (g::float8 / $1::int) * interval '720 days' as created) t
       join bench_customer b on b.n = g % $2::int
       join bench_agent a on a.n = g % 20`,
    [closed, size.customers, DESCRIPTION],
  );
  // Open tickets: the newest, filed over the last week; their clocks follow the rules.
  const open = openTickets(size, closed, calendar, now);
  await client.query(
    `insert into ticket (id, created_at, updated_at, serial, customer_id, subscription_id, subject, description, category, coverage,
                         status, priority, assignee_id, team, complex, environment, platform_flags, fix_guaranteed, sla_guaranteed,
                         consumes_allowance, period_index, clock_used_minutes, clock_running_since, urgency_at, support_day_minutes,
                         first_reply_at, first_reply_minutes, access_state, last_activity_at)
     select gen_random_uuid(), o.created, o.created, o.serial, b.customer_id, b.subscription_id,
            'Checkout problem #' || o.serial, $1, 'BUG_FIX', 'COVERED', o.status::ticket_status, o.priority::ticket_priority,
            case when o.serial % 4 = 0 then null else a.id end, 'DEVELOPMENT', o.serial % 10 = 0,
            jsonb_build_object('opencartVersion', '4.0.2.3', 'phpVersion', '8.2.12', 'extensions', jsonb_build_array('one_page_checkout')),
            '{}', true, true, true, 0, o.used, o.running_since, o.urgency, 540, o.first_reply_at, o.first_reply_minutes,
            (case when o.status = 'AWAITING_ACCESS' then 'MISSING' else 'PROVIDED' end)::access_state, o.created
       from unnest($2::int[], $3::timestamptz[], $4::text[], $5::text[], $6::int[], $7::timestamptz[], $8::timestamptz[], $9::timestamptz[], $10::int[])
            as o(serial, created, status, priority, used, running_since, urgency, first_reply_at, first_reply_minutes)
       join bench_customer b on b.n = o.serial % $11::int
       join bench_agent a on a.n = o.serial % 20`,
    [
      DESCRIPTION,
      open.map((t) => t.serial),
      open.map((t) => t.createdAt),
      open.map((t) => t.status),
      open.map((t) => t.priority),
      open.map((t) => t.clockUsedMinutes),
      open.map((t) => t.clockRunningSince),
      open.map((t) => t.urgencyAt),
      open.map((t) => t.firstReplyAt),
      open.map((t) => t.firstReplyMinutes),
      size.customers,
    ],
  );
  // The list scenario's merchant (merchant1) has the same number of tickets, spread over the two
  // years, at every size: its page is 20 full rows at 10,000 tickets as at 1,000,000 (5 and 20
  // rows otherwise), so the scenario compares the size of the data, not of the page.
  await client.query(`
    with m1 as (select b.customer_id, b.subscription_id from bench_customer b join customer c on c.id = b.customer_id where c.email = 'merchant1@shop.bench'),
         m2 as (select b.customer_id, b.subscription_id from bench_customer b join customer c on c.id = b.customer_id where c.email = 'merchant2@shop.bench')
    update ticket t set customer_id = m2.customer_id, subscription_id = m2.subscription_id from m1, m2 where t.customer_id = m1.customer_id`);
  await client.query(
    `update ticket t set customer_id = b.customer_id, subscription_id = b.subscription_id
       from bench_customer b join customer c on c.id = b.customer_id
      where c.email = 'merchant1@shop.bench'
        and t.serial in (select (g::bigint * $1::int / $2::int)::int from generate_series(1, $2::int) g)`,
    [size.tickets, BENCH_MERCHANT_TICKETS],
  );
  // Three messages per ticket: the merchant, the first reply (once there is one), the merchant again.
  await client.query(`
    insert into ticket_message (id, created_at, updated_at, ticket_id, author_kind, author_customer_id, author_staff_id, body)
    select gen_random_uuid(), m.at, m.at, t.id, m.kind::author_kind,
           case when m.kind = 'CUSTOMER' then t.customer_id end, case when m.kind = 'STAFF' then coalesce(t.assignee_id, a.id) end,
           case k when 1 then 'Here is what happens at checkout, step by step.' when 2 then 'Thanks, we are looking at the PayPal callback now.'
                  else 'It happened again this morning with another order.' end
      from ticket t
      join bench_agent a on a.n = t.serial % 20
      cross join generate_series(1, 3) k
      cross join lateral (select
        case when k = 2 and t.first_reply_at is not null then 'STAFF' else 'CUSTOMER' end as kind,
        least(now(), case k when 1 then t.created_at when 2 then coalesce(t.first_reply_at, t.created_at + interval '1 minute') else t.created_at + interval '5 hours' end) as at) m`);
  for (const index of indexes) await client.query(index.indexdef);
  // Tickets filed later continue the numbering.
  await client.query(`select setval('ticket_serial_seq', $1)`, [size.tickets]);
  // Triggers were off for the load: the status tally starts from the rows, as its migration does.
  await client.query(`delete from ticket_status_tally`);
  await client.query(`insert into ticket_status_tally (status, n) select status, count(*) from ticket group by status`);
  // …and so do the search documents and the dashboard's roll-ups, each in one set-based statement.
  await client.query(`select ticket_search_refresh(array(select id from ticket))`);
  await client.query(`select stats_rollups_rebuild()`);
  await client.query('commit');
  await client.query('vacuum analyze');
  // The load's gigabytes of dirty pages are written now, not by a checkpoint in the middle of the
  // measurement (whose I/O would land in the 1M run's tail latencies and not in the 10k run's).
  await client.query('checkpoint');
}

interface OpenTicket {
  serial: number;
  createdAt: Date;
  status: TicketStatus;
  priority: string;
  clockUsedMinutes: number;
  clockRunningSince: Date | null;
  urgencyAt: Date;
  firstReplyAt: Date | null;
  firstReplyMinutes: number | null;
}

/** The open tickets with their clocks as the API would have left them at `now`. */
function openTickets(size: SeedSize, closed: number, calendar: SupportCalendar, now: DateTime): OpenTicket[] {
  const week = 7 * 24 * 60;
  const tickets: OpenTicket[] = [];
  for (let i = 0; i < size.openTickets; i += 1) {
    const serial = closed + i + 1;
    const created = now.minus({ minutes: Math.round(((size.openTickets - i) / size.openTickets) * week) });
    const status = OPEN_STATUSES[serial % OPEN_STATUSES.length]!;
    const hourLater = DateTime.min(created.plus({ hours: 1 }), now);
    const replied = serial % 3 === 0 && status !== TicketStatus.AWAITING_ACCESS;
    const ticket = {
      status,
      complex: serial % 10 === 0,
      supportDayMinutes: 540,
      quoteStatus: null as QuoteStatus | null,
      surchargeStatus: null as QuoteStatus | null,
      clockUsedMinutes: 0,
      clockRunningSince: null as Date | null,
      firstReplyAt: null as Date | null,
      firstReplyMinutes: null as number | null,
      resolvedAt: null,
      resolutionMinutes: null,
    };
    // Work started when the ticket was filed; a ticket waiting on the merchant paused an hour later.
    const minutesAtPause = calendar.supportMinutesBetween(created, hourLater);
    if (clockShouldRun(ticket as unknown as Ticket)) ticket.clockRunningSince = created.toJSDate();
    else if (status === TicketStatus.WAITING_ON_CUSTOMER) ticket.clockUsedMinutes = minutesAtPause;
    if (replied) {
      ticket.firstReplyAt = hourLater.toJSDate();
      ticket.firstReplyMinutes = minutesAtPause;
    }
    const due = nextDue(ticket as unknown as Ticket, now, calendar);
    tickets.push({
      serial,
      createdAt: created.toJSDate(),
      status,
      priority: PRIORITIES[serial % PRIORITIES.length]!,
      clockUsedMinutes: ticket.clockUsedMinutes,
      clockRunningSince: ticket.clockRunningSince,
      urgencyAt: due ? due.toJSDate() : NOT_DUE,
      firstReplyAt: ticket.firstReplyAt,
      firstReplyMinutes: ticket.firstReplyMinutes,
    });
  }
  return tickets;
}
