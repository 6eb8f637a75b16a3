import { once } from 'node:events';
import { IsolationLevel } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Request, RequestHandler, Response } from 'express';
import type { DateTime } from 'luxon';
import { fromGlobalId } from '../../common/global-id';
import { postgresAttachmentStorage, type AttachmentStorage } from '../attachment/attachment-storage';
import type { Attachment } from '../attachment/attachment.entity';
import { audit } from '../audit/audit';
import { authenticateRoute } from '../viewer/authenticate';
import { isAdmin } from '../viewer/viewer';

const TICKET_PAGE = 50;
const AUDIT_PAGE = 500;
export const EXPORT_FORMAT = 'opencart-support-desk/personal-data/1';

type Row = Record<string, unknown>;

/** snake_case columns as camelCase keys; binary columns never leave (they are vault or file bytes). */
function camel(row: Row): Row {
  const out: Row = {};
  for (const [key, value] of Object.entries(row)) {
    if (Buffer.isBuffer(value)) continue;
    out[key.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase())] = value;
  }
  return out;
}

/** Writes to the response, waiting when the client reads slower than the database answers. */
async function write(res: Response, text: string): Promise<void> {
  if (!res.write(text)) await once(res, 'drain');
}

function fail(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}

/**
 * GET /personal-data/customers/:id with an admin's bearer token: everything the desk holds about
 * one customer, as one JSON document streamed page by page from a single consistent snapshot
 * (profile, plans, API keys without their hashes, tickets with messages, files and their bytes,
 * ratings, refunds, audit trail). Stored store access is described (state, dates), never opened:
 * no credential is ever part of an export. Every export is audited.
 */
export function personalDataExportRoute(options: {
  orm: MikroORM;
  clock: () => DateTime;
  onAuthFailure: (req: Request) => Promise<void>;
  /** Where files not kept in PostgreSQL are read from (an S3 store); default: PostgreSQL only. */
  storage?: AttachmentStorage;
}): RequestHandler {
  const storage = options.storage ?? postgresAttachmentStorage;
  return async (req, res) => {
    res.setHeader('Cache-Control', 'private, no-store');
    const em = options.orm.em.fork();
    const signedIn = await authenticateRoute(em, req.headers.authorization, options.clock(), () => options.onAuthFailure(req));
    if ('unauthenticated' in signedIn) return void fail(res, 401, 'UNAUTHENTICATED', signedIn.unauthenticated);
    const { viewer } = signedIn;
    if (!isAdmin(viewer)) return void fail(res, 403, 'FORBIDDEN', "Only admins export a customer's personal data.");
    const decoded = fromGlobalId(String(req.params.id ?? ''));
    const customerId = decoded?.type === 'Customer' ? decoded.id : null;
    const exists = customerId ? await em.getConnection().execute(`select 1 from customer where id = ?`, [customerId]) : [];
    if (!customerId || exists.length === 0) return void fail(res, 404, 'NOT_FOUND', 'No Customer with this ID.');

    await em.transactional(async (tx) => {
      audit(tx as EntityManager, viewer, { customerId, action: 'PERSONAL_DATA_EXPORTED', rule: 'PERSONAL_DATA_ACCESS' });
    });
    res.status(200).setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="customer-${customerId}.json"`);
    try {
      // One snapshot for the whole document, however long the client takes to read it.
      await em.transactional((tx) => writeExport(tx as EntityManager, res, customerId, options.clock().toUTC().toISO()!, storage), {
        isolationLevel: IsolationLevel.REPEATABLE_READ,
        readOnly: true,
      });
      res.end();
    } catch (error) {
      // Headers are gone: a cut-off document (invalid JSON) is the only honest signal left.
      res.destroy(error as Error);
    }
  };
}

async function writeExport(em: EntityManager, res: Response, customerId: string, exportedAt: string, storage: AttachmentStorage): Promise<void> {
  const q = (sql: string, params: unknown[]) => em.execute<Row[]>(sql, params);
  const [customer] = await q(
    `select c.id, c.email, c.name, c.company, c.store_url, c.status, c.ban_reason, c.ban_note, c.banned_at, c.created_at, c.updated_at, e.erased_at
       from customer c left join customer_erasure e on e.customer_id = c.id where c.id = ?`,
    [customerId],
  );
  await write(res, `{"format":${JSON.stringify(EXPORT_FORMAT)},"exportedAt":${JSON.stringify(exportedAt)},"customer":${JSON.stringify(camel(customer!))}`);
  const subscriptions = await q(
    `select s.*, p.name as plan_name, p.kind as plan_kind from subscription s join plan p on p.id = s.plan_id where s.customer_id = ? order by s.created_at, s.id`,
    [customerId],
  );
  await write(res, `,"subscriptions":${JSON.stringify(subscriptions.map(camel))}`);
  const keys = await q(`select id, name, prefix, created_at, last_used_at, revoked_at from merchant_api_key where customer_id = ? order by created_at, id`, [
    customerId,
  ]);
  await write(res, `,"apiKeys":${JSON.stringify(keys.map(camel))}`);

  await write(res, ',"tickets":[');
  let first = true;
  let after: [Date, string] | null = null;
  for (;;) {
    const tickets: Row[] = await q(
      `select t.*, m.target_id as merged_into_id, m.merged_at from ticket t left join ticket_merge m on m.source_id = t.id
        where t.customer_id = ? ${after ? 'and (t.created_at, t.id) > (?, ?)' : ''} order by t.created_at, t.id limit ${TICKET_PAGE}`,
      after ? [customerId, ...after] : [customerId],
    );
    for (const ticket of tickets) {
      await write(res, `${first ? '' : ','}${JSON.stringify(await ticketDocument(em, ticket, storage))}`);
      first = false;
    }
    if (tickets.length < TICKET_PAGE) break;
    const last = tickets[tickets.length - 1]!;
    after = [last.created_at as Date, last.id as string];
  }
  await write(res, ']');

  const refunds = await q(`select * from refund where customer_id = ? order by created_at, id`, [customerId]);
  await write(res, `,"refunds":${JSON.stringify(refunds.map(camel))}`);

  await write(res, ',"auditEvents":[');
  first = true;
  let afterEvent: [Date, string] | null = null;
  for (;;) {
    const events: Row[] = await q(
      `select id, ticket_id, action, rule, actor_kind, actor_staff_id, details, created_at from audit_event
        where customer_id = ? ${afterEvent ? 'and (created_at, id) > (?, ?)' : ''} order by created_at, id limit ${AUDIT_PAGE}`,
      afterEvent ? [customerId, ...afterEvent] : [customerId],
    );
    for (const event of events) {
      await write(res, `${first ? '' : ','}${JSON.stringify(camel(event))}`);
      first = false;
    }
    if (events.length < AUDIT_PAGE) break;
    const last = events[events.length - 1]!;
    afterEvent = [last.created_at as Date, last.id as string];
  }
  await write(res, ']}');
}

/** One ticket with its conversation, files (bytes in base64), rating and stored-access facts. */
async function ticketDocument(em: EntityManager, ticket: Row, storage: AttachmentStorage): Promise<Row> {
  const q = (sql: string, params: unknown[]) => em.execute<Row[]>(sql, params);
  const id = ticket.id as string;
  const messages = await q(
    `select m.id, m.author_kind, coalesce(s.name, c.name) as author_name, m.internal, m.body, m.not_english, m.created_at
       from ticket_message m left join staff_member s on s.id = m.author_staff_id left join customer c on c.id = m.author_customer_id
      where m.ticket_id = ? order by m.created_at, m.id`,
    [id],
  );
  const files = await q(
    `select a.id, a.message_id, a.internal, a.file_name, a.content_type, a.byte_size, a.redactions, a.sha256, a.storage, a.created_at, encode(b.bytes, 'base64') as content_base64
       from attachment a left join attachment_content b on b.attachment_id = a.id where a.ticket_id = ? order by a.created_at, a.id`,
    [id],
  );
  // Files kept elsewhere (an S3 bucket) are read from there, one at a time (each at most one file's limit).
  for (const file of files) {
    if (typeof file.content_base64 === 'string' || file.storage === 'postgres') continue;
    const bytes = await storage.get(em, { id: file.id, storage: file.storage } as Attachment);
    file.content_base64 = bytes ? bytes.toString('base64') : null;
  }
  const [rating] = await q(`select rating, comment, created_at, updated_at from ticket_satisfaction where ticket_id = ?`, [id]);
  // What the vault may say without opening anything: never a username, host, URL or secret.
  const [access] = await q(
    `select protocol, auth_method, provided_at, verification_outcome, verified_at, revealed_count, last_revealed_at, shred_after, shredded_at, shred_reason
       from ticket_access where ticket_id = ?`,
    [id],
  );
  return {
    ...camel(ticket),
    number: `OC-${String(ticket.serial).padStart(6, '0')}`,
    messages: messages.map(camel),
    attachments: files.map((file) => ({
      ...camel(file),
      contentBase64: typeof file.content_base64 === 'string' ? file.content_base64.replace(/\s/g, '') : null,
    })),
    satisfaction: rating ? camel(rating) : null,
    storeAccess: access ? camel(access) : null,
  };
}
