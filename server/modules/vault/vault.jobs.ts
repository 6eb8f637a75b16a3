import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import PgBoss from 'pg-boss';
import type { Logger } from '../../common/logger';
import { audit } from '../audit/audit';
import { Ticket } from '../ticket/ticket.entity';
import { shredRow } from './sealed-access';
import { TicketAccess } from './ticket-access.entity';
import type { Vault } from './vault';
import { AccessShredReason } from './vault.enums';

/** One queue: a job is a wake-up ("something may be due"); the handler finds what is due itself. */
export const SHRED_QUEUE = 'vault-shred-due';

export interface ShredRun {
  /** Access of resolved or closed tickets that had no shred date yet and got one. */
  scheduled: number;
  shredded: number;
}

/**
 * Destroys every stored access whose shred date has passed, on tickets still resolved or
 * closed (a reopened ticket keeps its access). Also gives a shred date to access of tickets
 * that were closed without going through resolution. Safe to run from several processes
 * at once: rows are claimed with FOR UPDATE SKIP LOCKED.
 */
export async function shredDueAccess(em: EntityManager, now: Date, delayDays: number, batchSize = 200): Promise<ShredRun> {
  const total: ShredRun = { scheduled: 0, shredded: 0 };
  for (;;) {
    const run = await em.fork().transactional(async (tx) => shredBatch(tx as EntityManager, now, delayDays, batchSize));
    total.scheduled += run.scheduled;
    total.shredded += run.shredded;
    if (run.shredded < batchSize) return total;
  }
}

async function shredBatch(tx: EntityManager, now: Date, delayDays: number, batchSize: number): Promise<ShredRun> {
  const missed = await tx.execute<Array<{ id: string; ticket_id: string; customer_id: string; shred_after: Date }>>(
    `update ticket_access a
        set shred_after = coalesce(t.resolved_at, t.closed_at, ?::timestamptz) + (?::float8 * interval '1 day'), updated_at = ?
       from ticket t
      where t.id = a.ticket_id and a.shredded_at is null and a.shred_after is null and t.status in ('RESOLVED', 'CLOSED')
      returning a.id, a.ticket_id, t.customer_id, a.shred_after`,
    [now, delayDays, now],
  );
  for (const row of missed) {
    audit(tx, 'system', {
      customerId: row.customer_id,
      ticket: tx.getReference(Ticket, row.ticket_id),
      action: 'ACCESS_SHRED_SCHEDULED',
      rule: 'DISABLE_TEMPORARY_ACCESS',
      details: { accessId: row.id, shredAfter: new Date(row.shred_after).toISOString() },
    });
  }

  const due = await tx.execute<Array<{ id: string; ticket_id: string; customer_id: string }>>(
    `select a.id, a.ticket_id, t.customer_id
       from ticket_access a join ticket t on t.id = a.ticket_id
      where a.shredded_at is null and a.shred_after <= ? and t.status in ('RESOLVED', 'CLOSED')
      order by a.shred_after, a.id
      limit ?
      for update of a skip locked`,
    [now, batchSize],
  );
  if (due.length > 0) {
    const rows = await tx.find(TicketAccess, { id: { $in: due.map((d) => d.id) } });
    const byId = new Map(due.map((d) => [d.id, d]));
    for (const access of rows) {
      const { ticket_id: ticketId, customer_id: customerId } = byId.get(access.id)!;
      shredRow(access, AccessShredReason.RESOLVED_DELAY_ELAPSED, now);
      audit(tx, 'system', {
        customerId,
        ticket: tx.getReference(Ticket, ticketId),
        action: 'ACCESS_SHREDDED',
        rule: AccessShredReason.RESOLVED_DELAY_ELAPSED,
        details: { accessId: access.id, reason: AccessShredReason.RESOLVED_DELAY_ELAPSED },
      });
    }
  }
  return { scheduled: missed.length, shredded: due.length };
}

export interface VaultJobsOptions {
  /** The app's own database: pg-boss keeps its tables in the `pgboss` schema there. */
  connectionString: string;
  orm: MikroORM;
  vault: Vault;
  logger: Logger;
  /** How often a worker looks for a wake-up that came due (pg-boss minimum 0.5). */
  pollingIntervalSeconds?: number;
  /** The safety-net sweep, in cron syntax (UTC); one run per tick across all processes. */
  sweepCron?: string;
}

export interface VaultJobs {
  /** Runs the shred handler now, in this process (what a job does). */
  runNow(): Promise<ShredRun>;
  stop(): Promise<void>;
}

/**
 * Background shredding on pg-boss, on the app's own PostgreSQL, so any number of server
 * processes share one queue: resolving a ticket queues a wake-up for its shred date, and a
 * sweep every few minutes catches anything whose wake-up was lost.
 */
export async function startVaultJobs(options: VaultJobsOptions): Promise<VaultJobs> {
  const { orm, vault, logger } = options;
  const log = logger.child({ component: 'vault-jobs' });
  const boss = new PgBoss({
    connectionString: options.connectionString,
    schema: 'pgboss',
    max: 3,
    application_name: 'support-desk-vault-jobs',
  });
  // pg-boss errors are about the queue (connections, SQL): they never carry job data beyond ids.
  // Once the queue is stopping, a connection cut by the database's own shutdown is expected.
  let stopping = false;
  boss.on('error', (error) => {
    if (stopping) log.debug({ error: error.message }, 'job queue error while stopping');
    else log.error({ error: error.message }, 'job queue error');
  });
  await boss.start();
  try {
    await boss.createQueue(SHRED_QUEUE, { name: SHRED_QUEUE, retryLimit: 5, retryDelay: 30, retryBackoff: true });
    const runNow = async (): Promise<ShredRun> => {
      const run = await shredDueAccess(orm.em.fork(), vault.clock().toJSDate(), vault.shredDelayDays);
      if (run.scheduled || run.shredded) log.info(run, 'shredded the store access that came due');
      return run;
    };
    await boss.work(SHRED_QUEUE, { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2, batchSize: 1 }, async () => {
      await runNow();
    });
    await boss.schedule(SHRED_QUEUE, options.sweepCron ?? '*/10 * * * *', {}, { tz: 'UTC' });
    vault.scheduler = {
      async scheduleShred(accessId, at) {
        // Relative to the app's clock, so the wake-up matches the app's idea of "now".
        const delaySeconds = Math.max(0, Math.ceil((at.getTime() - vault.clock().toMillis()) / 1000));
        await boss.send(SHRED_QUEUE, { accessId }, { startAfter: delaySeconds });
      },
    };
    return {
      runNow,
      async stop() {
        stopping = true;
        vault.scheduler = null;
        await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
      },
    };
  } catch (error) {
    await boss.stop({ graceful: false, wait: true }).catch(() => {});
    throw error;
  }
}
