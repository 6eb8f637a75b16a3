import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { validate } from 'class-validator';
import { stringify, type Stringifier } from 'csv-stringify';
import type { Request, RequestHandler, Response } from 'express';
import { coerceInputValue, isInputObjectType, type GraphQLSchema } from 'graphql';
import type { DateTime } from 'luxon';
import type { Logger } from '../../common/logger';
import { refundConditions, type RefundListFilter } from '../refund/refund-list';
import { RefundFilter } from '../refund/refund.types';
import { StaffMember } from '../staff/staff-member.entity';
import { ticketListConditions } from '../ticket/ticket-list';
import { TicketFilter } from '../ticket/ticket-query.types';
import { authenticateRoute } from '../viewer/authenticate';
import { isStaff, type Viewer } from '../viewer/viewer';
import { DataExport } from './data-export.entity';
import { refundPages, REFUND_COLUMNS, ticketPages, TICKET_COLUMNS, type ExportPage } from './export-queries';

/** Rows read per statement: enough to keep the database busy, few enough that memory stays flat. */
export const EXPORT_PAGE_SIZE = 1000;

/**
 * A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage return) as a
 * formula: such text is written with a leading apostrophe, which spreadsheets show as text.
 */
export function neutraliseFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

class ExportRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function fail(res: Response, error: ExportRequestError) {
  res.status(error.status).json({ errors: [{ message: error.message, extensions: { code: error.code } }] });
}

function instant(value: unknown, name: string): Date {
  const date = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) ? new Date(value) : null;
  if (!date || Number.isNaN(date.getTime())) {
    throw new ExportRequestError(400, 'BAD_USER_INPUT', `\`${name}\` must be an ISO 8601 date or instant, e.g. 2026-03-01 or 2026-03-01T00:00:00Z.`);
  }
  return date;
}

/** `filter` as the API's own input type would take it: same fields, same coercion, same maxima. */
async function apiFilter<T extends object>(
  schema: GraphQLSchema,
  typeName: string,
  make: () => T,
  raw: unknown,
): Promise<{ filter: T | null; sent: Record<string, unknown> | null }> {
  if (raw === undefined || raw === '') return { filter: null, sent: null };
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(raw));
  } catch {
    throw new ExportRequestError(400, 'BAD_USER_INPUT', '`filter` must be JSON, as the `filter` argument of the GraphQL list.');
  }
  const type = schema.getType(typeName);
  if (!isInputObjectType(type)) throw new Error(`${typeName} is not an input type`);
  const problems: string[] = [];
  const value = coerceInputValue(parsed, type, (path, _invalid, error) => problems.push(`${['filter', ...path].join('.')}: ${error.message}`));
  if (problems.length) throw new ExportRequestError(400, 'BAD_USER_INPUT', problems.join(' '));
  const filter = Object.assign(make(), value);
  const errors = await validate(filter);
  if (errors.length) {
    throw new ExportRequestError(400, 'BAD_USER_INPUT', errors.map((e) => `filter.${e.property}: ${Object.values(e.constraints ?? {}).join(', ')}`).join(' '));
  }
  return { filter, sent: parsed as Record<string, unknown> };
}

async function staffViewer(em: EntityManager, req: Request, clock: () => DateTime, onAuthFailure: (req: Request) => Promise<void>): Promise<Viewer> {
  const signedIn = await authenticateRoute(
    em,
    req.headers.authorization,
    clock(),
    () => onAuthFailure(req),
    'Sign in with a staff token: send "Authorization: Bearer ocs_…".',
  );
  if ('unauthenticated' in signedIn) throw new ExportRequestError(401, 'UNAUTHENTICATED', signedIn.unauthenticated);
  if (!isStaff(signedIn.viewer)) throw new ExportRequestError(403, 'FORBIDDEN', 'Exports are for staff.');
  return signedIn.viewer;
}

/** Writes pages into the CSV as the client reads it: a slow reader pauses the reads from the database. */
async function streamCsv(res: Response, columns: readonly string[], pages: AsyncIterable<ExportPage>): Promise<number | null> {
  const csv: Stringifier = stringify({
    header: true,
    columns: [...columns],
    cast: { string: neutraliseFormula, boolean: (value) => (value ? 'true' : 'false'), date: (value) => value.toISOString() },
  });
  csv.pipe(res);
  let rows = 0;
  for await (const page of pages) {
    if (res.destroyed) return null;
    for (const row of page) {
      if (!csv.write(row)) await Promise.race([once(csv, 'drain'), once(res, 'close')]);
      if (res.destroyed) return null;
      rows += 1;
    }
  }
  csv.end();
  await finished(res).catch(() => undefined);
  return res.writableFinished ? rows : null;
}

export interface ExportRouteOptions {
  orm: MikroORM;
  schema: GraphQLSchema;
  clock: () => DateTime;
  onAuthFailure: (req: Request) => Promise<void>;
  pageSize?: number;
  /** Told when a read replica could not answer and the primary did. */
  logger?: Logger;
}

/**
 * GET /export/tickets.csv and /export/refunds.csv: staff download the tickets created (refunds
 * requested) in `[from, to)`, narrowed by `filter` (JSON of the list's own filter input), as
 * CSV streamed in keyset pages. Each download is recorded in data_export before it starts.
 */
export function exportRoute(kind: 'tickets' | 'refunds', options: ExportRouteOptions): RequestHandler {
  const pageSize = options.pageSize ?? EXPORT_PAGE_SIZE;
  return async (req, res) => {
    res.setHeader('Cache-Control', 'private, no-store');
    const em = options.orm.em.fork();
    let viewer: Viewer;
    let from: Date;
    let to: Date;
    let ticketFilter: TicketFilter | null = null;
    let refundFilter: RefundListFilter | null = null;
    let sent: Record<string, unknown> | null;
    try {
      viewer = await staffViewer(em, req, options.clock, options.onAuthFailure);
      from = instant(req.query.from, 'from');
      to = instant(req.query.to, 'to');
      if (to <= from) throw new ExportRequestError(400, 'BAD_USER_INPUT', '`to` must be after `from`.');
      if (kind === 'tickets') ({ filter: ticketFilter, sent } = await apiFilter(options.schema, 'TicketFilter', () => new TicketFilter(), req.query.filter));
      else ({ filter: refundFilter, sent } = await apiFilter(options.schema, 'RefundFilter', () => new RefundFilter(), req.query.filter));
    } catch (error) {
      if (error instanceof ExportRequestError) return fail(res, error);
      throw error;
    }
    const staff = viewer as Extract<Viewer, { kind: 'staff' }>;
    const record = em.create(DataExport, {
      staffMember: em.getReference(StaffMember, staff.staffId),
      kind,
      periodFrom: from,
      periodTo: to,
      filter: sent,
      startedAt: options.clock().toJSDate(),
    });
    await em.flush();

    let pages: AsyncIterable<ExportPage>;
    let columns: readonly string[];
    if (kind === 'tickets') {
      const conditions = [
        ...ticketListConditions(ticketFilter, viewer, options.clock().toJSDate()),
        { sql: 't.created_at >= ? and t.created_at < ?', params: [from, to] },
      ];
      pages = ticketPages(options.orm, conditions, pageSize, options.logger);
      columns = TICKET_COLUMNS;
    } else {
      pages = refundPages(options.orm, [...refundConditions(refundFilter, viewer), { createdAt: { $gte: from, $lt: to } }], pageSize, options.logger);
      columns = REFUND_COLUMNS;
    }
    const stamp = from.toISOString().slice(0, 10) + '_' + to.toISOString().slice(0, 10);
    res
      .status(200)
      .type('text/csv; charset=utf-8')
      .setHeader('Content-Disposition', `attachment; filename="${kind}_${stamp}.csv"`)
      .setHeader('X-Content-Type-Options', 'nosniff');
    const rows = await streamCsv(res, columns, pages);
    await options.orm.em.fork().nativeUpdate(DataExport, { id: record.id }, { finishedAt: options.clock().toJSDate(), rowCount: rows });
  };
}
