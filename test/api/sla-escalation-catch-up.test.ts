import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { at, fileRunning as fileRunningNow, notificationsOf, slaEventsInOutbox, startEscalationDesk, type EscalationDesk } from '../support/escalation-desk';
import { createMerchant, createTestApp, type Merchant, type TestApp } from '../support/test-app';

/**
 * The escalation job's first run over existing tickets (a first deploy, or a restart after a long
 * stop): crossings older than the catch-up window (60 minutes here) are recorded without one
 * event each and counted in one summary to admins; recent ones are published as always; a stale
 * 75 % warning whose breach is still ahead is still news. Two processes run the job side by side:
 * nothing is published twice, and there is one summary.
 */
let app: TestApp;
let desk: EscalationDesk;
let merchant: Merchant;

beforeAll(async () => {
  app = await createTestApp({ now: at('2026-03-02T03:00:00-05:00') });
  desk = await startEscalationDesk(app, { escalationJobs: true });
  merchant = await createMerchant(app, { contractStart: at('2026-01-01T00:00:00-05:00'), months: 12 });
}, 60_000);

afterAll(async () => {
  await desk?.stop();
  await app?.close();
});

/** Files a ticket at `instant` and starts its SLA clock (access waived), as staff would. */
async function fileRunning(instant: string, subject: string): Promise<{ rawId: string; number: string }> {
  app.setNow(at(instant));
  return fileRunningNow(app, merchant, subject);
}

const passAt = (instant: string) => desk.passAt(instant);
const outbox = () => slaEventsInOutbox(app);

describe('SLA escalations after the job was not running', () => {
  it('records stale crossings without a flood, tells admins once in a summary, and publishes the recent ones once', async () => {
    // Monday, support hours 03:00–12:00 New York: 75 % of the 540-minute first-reply target is 405 minutes.
    const stale = await Promise.all(['A', 'B', 'C'].map((name) => fileRunning('2026-03-02T03:00:00-05:00', `Breached yesterday ${name}`)));
    // 75 % Tuesday 03:45 (stale), breached Tuesday 06:00 (recent at 06:30).
    const breachedRecently = await fileRunning('2026-03-02T06:00:00-05:00', 'Breached just now');
    // 75 % Tuesday 04:45 (stale, but its breach at 07:00 is still ahead).
    const warnedEarlier = await fileRunning('2026-03-02T07:00:00-05:00', 'Warned two hours ago');
    // 75 % Tuesday 05:45 (recent).
    const warnedRecently = await fileRunning('2026-03-02T08:00:00-05:00', 'Warned just now');

    // The job starts (first deploy) on Tuesday 06:30, with two processes.
    expect(await passAt('2026-03-03T06:30:00-05:00')).toEqual({ published: 3, caughtUp: 3 });
    const first = await outbox();
    expect(first.filter((e) => e.ticket_id !== null).map((e) => [e.ticket_id, e.type, e.data.reachedAt])).toEqual(
      expect.arrayContaining([
        [breachedRecently.rawId, 'SLA_BREACHED', '2026-03-03T06:00:00.000-05:00'],
        [warnedEarlier.rawId, 'SLA_TARGET_AT_75_PERCENT', '2026-03-03T04:45:00.000-05:00'],
        [warnedRecently.rawId, 'SLA_TARGET_AT_75_PERCENT', '2026-03-03T05:45:00.000-05:00'],
      ]),
    );
    expect(first.filter((e) => e.ticket_id !== null)).toHaveLength(3);
    expect(first.filter((e) => e.type === 'SLA_ESCALATIONS_CAUGHT_UP').map((e) => e.data)).toEqual([
      { breached: 3, catchUpMinutes: 60, earliestReachedAt: '2026-03-02T12:00:00.000-05:00' },
    ]);
    // The stale ones are recorded all the same: later passes do not publish them.
    const recorded = await app.orm.em
      .fork()
      .getConnection()
      .execute<Array<{ ticket_id: string; kind: string; notified: boolean }>>(
        'select ticket_id, kind, notified from sla_escalation where ticket_id in (?) order by kind',
        [stale.map((t) => t.rawId)],
      );
    expect(recorded).toHaveLength(6);
    expect(recorded.every((r) => !r.notified)).toBe(true);

    // Later passes: each new crossing once, no second summary.
    expect(await passAt('2026-03-03T06:30:00-05:00')).toEqual({ published: 0, caughtUp: 0 });
    expect(await passAt('2026-03-03T07:00:00-05:00')).toEqual({ published: 1, caughtUp: 0 });
    expect(await passAt('2026-03-03T08:00:00-05:00')).toEqual({ published: 1, caughtUp: 0 });
    const all = await outbox();
    expect(all.filter((e) => e.type === 'SLA_ESCALATIONS_CAUGHT_UP')).toHaveLength(1);
    const published = all.filter((e) => e.ticket_id !== null).map((e) => `${e.ticket_id} ${e.type}`);
    expect(new Set(published).size).toBe(published.length);
    expect(published.filter((p) => stale.some((t) => p.startsWith(t.rawId)))).toEqual([]);

    // Admins: one summary notification, and a breach notification only for the recent breaches.
    await desk.events.relay.drain();
    const notes = await notificationsOf(app, app.adminToken);
    const summaries = notes.filter((n) => n.type === 'SLA_ESCALATIONS_CAUGHT_UP');
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({
      title: '3 guaranteed targets were breached while escalations were not running',
      ticketNumber: null,
      email: { status: 'KEPT', subject: '[OpenCart Support Desk] 3 guaranteed targets were breached while escalations were not running' },
    });
    expect(
      notes
        .filter((n) => n.type === 'SLA_BREACHED')
        .map((n) => n.ticketNumber)
        .sort(),
    ).toEqual([breachedRecently.number, warnedEarlier.number, warnedRecently.number].sort());
  });
});
