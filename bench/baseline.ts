/**
 * The bench's yardstick: the same answers as the API for the bench's scenarios, written by hand
 * with node:http and pg, one SQL statement per request (the caller's token checked in it), and
 * the same SLA rules (ticket-clock.ts) on the same calendar. `POST /<scenario>` with the
 * GraphQL request's body; answers `{"data": …}` like the API.
 *   BENCH_DATABASE_URL=postgres://… PORT=0 node --import tsx bench/baseline.ts
 */
import 'reflect-metadata';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DateTime } from 'luxon';
import pg from 'pg';
import { fromGlobalId } from '../server/common/global-id';
import { hashToken } from '../server/common/tokens';
import { SupportCalendar } from '../server/modules/support-hours/support-calendar';
import { slaView, type SlaView } from '../server/modules/ticket/ticket-clock';
import type { Ticket } from '../server/modules/ticket/ticket.entity';
import { OPEN_STATUSES, type ScenarioName } from './scenarios';

const calendar = new SupportCalendar();
const pool = new pg.Pool({ connectionString: process.env.BENCH_DATABASE_URL, max: 10 });
// pg returns bigint counts as strings: every count below is cast to int.

type Row = Record<string, any>;

const STAFF = `select true as ok from staff_member where token_hash = $1 and active`;
const MERCHANT = `select k.customer_id from merchant_api_key k join customer c on c.id = k.customer_id
                   where k.token_hash = $1 and k.revoked_at is null and c.status <> 'BANNED'`;
const CLOCK_COLUMNS = `t.id, t.serial, t.subject, t.status, t.priority, t.urgency_at, t.created_at, t.complex, t.support_day_minutes,
  t.clock_used_minutes, t.clock_running_since, t.first_reply_at, t.first_reply_minutes, t.resolved_at, t.resolution_minutes`;
const LAST_MESSAGE = (where: string) =>
  `left join lateral (select body, created_at from ticket_message m where m.ticket_id = t.id ${where} order by created_at desc, id desc limit 1) lm on true`;

const number = (serial: number) => `OC-${String(serial).padStart(6, '0')}`;
const iso = (date: Date | null) => (date ? date.toISOString() : null);
const due = (at: DateTime | null) => (at ? at.toISO() : null);

function sla(row: Row, now: DateTime): SlaView {
  const ticket = {
    status: row.status,
    complex: row.complex,
    supportDayMinutes: row.support_day_minutes,
    clockUsedMinutes: row.clock_used_minutes,
    clockRunningSince: row.clock_running_since,
    firstReplyAt: row.first_reply_at,
    firstReplyMinutes: row.first_reply_minutes,
    resolvedAt: row.resolved_at,
    resolutionMinutes: row.resolution_minutes,
  };
  return slaView(ticket as Ticket, now, calendar);
}

const target = (view: SlaView['firstReply']) => ({ dueAt: due(view.dueAt), remainingMinutes: view.remainingMinutes, breached: view.breached });

/** Each scenario: one statement, then the JSON the API gives for the same selection. */
const HANDLERS: Record<ScenarioName, (token: string, variables: Row) => Promise<unknown | null>> = {
  async 'staff-queue'(token) {
    const { rows } = await pool.query(
      `select v.ok, p.*, (select count(*)::int from ticket where status = any($2::ticket_status[])) as total
         from (${STAFF}) v left join lateral (
           select ${CLOCK_COLUMNS}, c.name as customer_name, c.email as customer_email, s.status as subscription_status,
                  pl.name as plan_name, pl.kind as plan_kind, st.name as assignee_name, st.team as assignee_team,
                  lm.body as last_body, lm.created_at as last_at
             from ticket t join customer c on c.id = t.customer_id join subscription s on s.id = t.subscription_id
             join plan pl on pl.id = s.plan_id left join staff_member st on st.id = t.assignee_id ${LAST_MESSAGE('')}
            where t.status = any($2::ticket_status[])
            order by t.priority desc, t.urgency_at, t.id limit 50) p on true
        order by p.priority desc, p.urgency_at, p.id`,
      [hashToken(token), OPEN_STATUSES],
    );
    if (rows.length === 0) return null;
    const now = DateTime.now();
    return {
      tickets: {
        totalCount: rows[0].total,
        edges: rows
          .filter((r) => r.id)
          .map((r) => {
            const view = sla(r, now);
            return {
              node: {
                number: number(r.serial),
                subject: r.subject,
                status: r.status,
                priority: r.priority,
                firstReplyDueAt: due(view.firstReply.dueAt),
                resolutionDueAt: due(view.resolution.dueAt),
                customer: { name: r.customer_name, email: r.customer_email },
                subscription: { status: r.subscription_status, plan: { name: r.plan_name, kind: r.plan_kind } },
                assignee: r.assignee_name == null ? null : { name: r.assignee_name, team: r.assignee_team },
                sla: { running: view.running, usedMinutes: view.usedMinutes, firstReply: target(view.firstReply), resolution: target(view.resolution) },
                lastMessage: r.last_body == null ? null : { body: r.last_body, createdAt: iso(r.last_at) },
              },
            };
          }),
      },
    };
  },

  async 'most-urgent-unfiltered'(token) {
    const { rows } = await pool.query(
      `select v.ok, p.*, (select count(*)::int from ticket) as total
         from (${STAFF}) v left join lateral (
           select ${CLOCK_COLUMNS}, c.name as customer_name from ticket t join customer c on c.id = t.customer_id
            order by t.priority desc, t.urgency_at, t.id limit 20) p on true
        order by p.priority desc, p.urgency_at, p.id`,
      [hashToken(token)],
    );
    if (rows.length === 0) return null;
    const now = DateTime.now();
    return {
      tickets: {
        totalCount: rows[0].total,
        edges: rows
          .filter((r) => r.id)
          .map((r) => ({
            node: {
              number: number(r.serial),
              subject: r.subject,
              status: r.status,
              customer: { name: r.customer_name },
              sla: { firstReply: target(sla(r, now).firstReply) },
            },
          })),
      },
    };
  },

  async overdue(token) {
    const now = DateTime.now();
    const { rows } = await pool.query(
      `select v.ok, p.*, (select count(*)::int from ticket where urgency_at <= $2) as total
         from (${STAFF}) v left join lateral (
           select ${CLOCK_COLUMNS}, c.name as customer_name, st.name as assignee_name
             from ticket t join customer c on c.id = t.customer_id left join staff_member st on st.id = t.assignee_id
            where t.urgency_at <= $2
            order by t.priority desc, t.urgency_at, t.id limit 50) p on true
        order by p.priority desc, p.urgency_at, p.id`,
      [hashToken(token), now.toJSDate()],
    );
    if (rows.length === 0) return null;
    return {
      tickets: {
        totalCount: rows[0].total,
        edges: rows
          .filter((r) => r.id)
          .map((r) => {
            const view = sla(r, now);
            return {
              node: {
                number: number(r.serial),
                subject: r.subject,
                priority: r.priority,
                firstReplyDueAt: due(view.firstReply.dueAt),
                resolutionDueAt: due(view.resolution.dueAt),
                customer: { name: r.customer_name },
                assignee: r.assignee_name == null ? null : { name: r.assignee_name },
              },
            };
          }),
      },
    };
  },

  async 'merchant-list'(token) {
    const { rows } = await pool.query(
      `select v.customer_id as viewer, p.*, (select count(*)::int from ticket where customer_id = v.customer_id) as total
         from (${MERCHANT}) v left join lateral (
           select ${CLOCK_COLUMNS}, lm.body as last_body, lm.created_at as last_at
             from ticket t ${LAST_MESSAGE('and m.internal = false')}
            where t.customer_id = v.customer_id
            order by t.created_at desc, t.id desc limit 20) p on true
        order by p.created_at desc, p.id desc`,
      [hashToken(token)],
    );
    if (rows.length === 0) return null;
    const now = DateTime.now();
    return {
      tickets: {
        totalCount: rows[0].total,
        edges: rows
          .filter((r) => r.id)
          .map((r) => ({
            node: {
              number: number(r.serial),
              subject: r.subject,
              status: r.status,
              createdAt: iso(r.created_at),
              firstReplyDueAt: due(sla(r, now).firstReply.dueAt),
              lastMessage: r.last_body == null ? null : { body: r.last_body, createdAt: iso(r.last_at) },
            },
          })),
      },
    };
  },

  async node(token, variables) {
    const decoded = fromGlobalId(String(variables.id ?? ''));
    const id = decoded?.type === 'Ticket' ? decoded.id : '00000000-0000-0000-0000-000000000000';
    const { rows } = await pool.query(
      `select v.ok, t.serial, t.subject, t.status, t.description, c.name as customer_name,
              (select count(*)::int from ticket_message m where m.ticket_id = t.id) as message_count,
              (select coalesce(json_agg(x order by x.created_at, x.id), '[]') from (
                 select m.id, m.body, m.created_at, m.author_kind, m.author_staff_id, m.author_customer_id, ms.name as staff_name, mc.name as customer_name
                   from ticket_message m left join staff_member ms on ms.id = m.author_staff_id left join customer mc on mc.id = m.author_customer_id
                  where m.ticket_id = t.id order by m.created_at, m.id limit 10) x) as messages
         from (${STAFF}) v left join ticket t on t.id = $2 left join customer c on c.id = t.customer_id`,
      [hashToken(token), id],
    );
    if (rows.length === 0) return null;
    const r = rows[0];
    if (r.serial == null) return { node: null };
    const author = (m: Row) =>
      m.author_kind === 'STAFF' && m.author_staff_id
        ? (m.staff_name ?? 'Support')
        : m.author_kind === 'CUSTOMER' && m.author_customer_id
          ? (m.customer_name ?? 'Merchant')
          : 'OpenCart Support Desk';
    return {
      node: {
        number: number(r.serial),
        subject: r.subject,
        status: r.status,
        description: r.description,
        customer: { name: r.customer_name },
        messages: {
          totalCount: r.message_count,
          nodes: (r.messages as Row[]).map((m) => ({ body: m.body, createdAt: new Date(m.created_at).toISOString(), author: { displayName: author(m) } })),
        },
      },
    };
  },
};

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', async () => {
    const send = (status: number, body: unknown) => {
      const json = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
      res.end(json);
    };
    try {
      const handler = HANDLERS[(req.url ?? '').slice(1) as ScenarioName];
      const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
      if (!handler) return send(404, { errors: [{ message: 'Not found' }] });
      if (!token) return send(401, { errors: [{ message: 'Sign in', extensions: { code: 'UNAUTHENTICATED' } }] });
      const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
      const data = await handler(token, body.variables ?? {});
      if (data === null) return send(401, { errors: [{ message: 'Invalid token', extensions: { code: 'UNAUTHENTICATED' } }] });
      send(200, { data });
    } catch (error) {
      process.stderr.write(`${(error as Error).stack}\n`);
      send(500, { errors: [{ message: 'Internal server error' }] });
    }
  });
});

server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));
