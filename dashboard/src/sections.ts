import { DateTime } from 'luxon';
import type { CardContent, ChartSpec, TableSpec } from './charts';
import { count, percent, supportTime, words } from './format';
import type { DashboardStatsQuery, StatsBucket } from './generated/graphql';
import { bucketLabel, bucketStarts, type Period } from './period';

type Stats = DashboardStatsQuery['supportStats'];
type Counted = Array<{ key: string; label: string; count: number }>;
type SlaRow = Omit<Stats['slaAttainment']['firstReply']['byBucket'][number], 'bucketStart'>;
type TimeRow = Omit<Stats['responseTimes']['byBucket'][number], 'bucketStart'>;

export interface CardPlan {
  id: string;
  title: string;
  wide?: boolean;
  tableOnly?: boolean;
  content: CardContent;
}

// Backlog ages come as ranges of support days; shown youngest first.
const AGE_ORDER = ['0-1', '1-2', '2-3', '3-5', '5-10', '10+'];
const DECISION_ORDER = ['APPROVED', 'REJECTED', 'PENDING'];

/** Values of the period's buckets in order, each bucket present (empty buckets give `empty`). */
function byBucket<Row extends { bucketStart: string }, Value>(starts: DateTime[], rows: Row[], value: (row: Row) => Value, empty: Value): Value[] {
  const found = new Map(rows.map((row) => [DateTime.fromISO(row.bucketStart).toMillis(), row]));
  return starts.map((start) => {
    const row = found.get(start.toMillis());
    return row ? value(row) : empty;
  });
}

function countsCard(id: string, title: string, rows: Counted, summary: string, options: { order?: string[]; noun?: string } = {}): CardPlan {
  const sorted = options.order
    ? [...rows].sort((a, b) => options.order!.indexOf(a.key) - options.order!.indexOf(b.key))
    : [...rows].sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
  const labels = sorted.map((row) => (options.order === AGE_ORDER ? `${row.key} days` : words(row.key, row.label)));
  const noun = options.noun ?? 'Tickets';
  return {
    id,
    title,
    content: {
      summary,
      empty: sorted.length === 0 ? 'No tickets.' : undefined,
      // Sideways bars: every category's name stays readable beside its bar.
      chart: { kind: 'bar', labels, series: [{ label: noun, values: sorted.map((row) => row.count) }], horizontal: true },
      table: { head: [title.replace(/^.*: /, ''), noun], rows: sorted.map((row, index) => [labels[index]!, row.count]) },
    },
  };
}

function slaSentence(name: string, total: SlaRow): string {
  return `${name}: ${percent(total.rate)} met (${total.met} met, ${total.breached} breached, ${total.running} running).`;
}

function minorUnits(currency: string): number {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

function money(amount: number, currency: string): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(amount / 10 ** minorUnits(currency));
}

/** What the page shows for one answer of `supportStats`, card by card, in reading order. */
export function dashboardCards(stats: Stats, period: Period, bucket: StatsBucket): CardPlan[] {
  const starts = bucketStarts(period, bucket);
  const labels = starts.map((start) => bucketLabel(start, bucket));
  const longLabels = starts.map((start) => start.toFormat('ccc d LLL yyyy'));
  const asOf = DateTime.fromISO(stats.period.asOf, { setZone: true }).toFormat('d LLL HH:mm ZZZZ');
  const { firstReply, resolution } = stats.slaAttainment;
  const times = stats.responseTimes;
  const backlog = stats.backlog;
  const volume = stats.volume;
  const refunds = stats.refunds;
  const allowance = stats.allowance;

  const rate = (row: { rate: number | null }) => (row.rate === null ? null : Math.round(row.rate * 1000) / 10);
  const emptySla: SlaRow = { met: 0, breached: 0, running: 0, rate: null };
  const firstReplyRows = byBucket(starts, firstReply.byBucket, (row) => row, emptySla);
  const resolutionRows = byBucket(starts, resolution.byBucket, (row) => row, emptySla);
  const sla: CardPlan = {
    id: 'sla',
    title: 'SLA attainment',
    wide: true,
    content: {
      summary: `${slaSentence('First reply', firstReply.total)} ${slaSentence('Resolution', resolution.total)}`,
      empty: firstReply.byBucket.length + resolution.byBucket.length === 0 ? 'No tickets filed in this period.' : undefined,
      chart: {
        kind: 'line',
        labels,
        percent: true,
        axisTitle: 'targets met',
        series: [
          { label: 'First reply met', values: firstReplyRows.map(rate) },
          { label: 'Resolution met', values: resolutionRows.map(rate) },
        ],
      },
      table: {
        head: ['Filed in', 'First reply met', 'breached', 'running', 'rate', 'Resolution met', 'breached', 'running', 'rate'],
        rows: starts.map((_, i) => {
          const f = firstReplyRows[i]!;
          const r = resolutionRows[i]!;
          return [longLabels[i]!, f.met, f.breached, f.running, percent(f.rate), r.met, r.breached, r.running, percent(r.rate)];
        }),
      },
    },
  };

  const emptyTimes: TimeRow = { firstReply: { count: 0, median: null, p90: null }, resolution: { count: 0, median: null, p90: null } };
  const timeRows = byBucket(starts, times.byBucket, (row) => row, emptyTimes);
  const hours = (minutes: number | null) => (minutes === null ? null : Math.round((minutes / 60) * 10) / 10);
  const responseTimes: CardPlan = {
    id: 'times',
    title: 'Reply and resolution times',
    wide: true,
    content: {
      summary: `Median first reply ${supportTime(times.firstReply.median)} (p90 ${supportTime(times.firstReply.p90)}, ${count(times.firstReply.count, 'ticket')}); median resolution ${supportTime(times.resolution.median)} (p90 ${supportTime(times.resolution.p90)}, ${count(times.resolution.count, 'ticket')}). Support hours only.`,
      empty: times.byBucket.length === 0 ? 'No replies or resolutions in this period.' : undefined,
      chart: {
        kind: 'bar',
        labels,
        axisTitle: 'median, support hours',
        series: [
          { label: 'First reply (median)', values: timeRows.map((row) => hours(row.firstReply.median)) },
          { label: 'Resolution (median)', values: timeRows.map((row) => hours(row.resolution.median)) },
        ],
      },
      table: {
        head: ['Filed in', 'First reply median', 'p90', 'replied', 'Resolution median', 'p90', 'resolved'],
        rows: starts.map((_, i) => {
          const { firstReply: f, resolution: r } = timeRows[i]!;
          return [longLabels[i]!, supportTime(f.median), supportTime(f.p90), f.count, supportTime(r.median), supportTime(r.p90), r.count];
        }),
      },
    },
  };

  const backlogNow = `${count(backlog.total, 'ticket')} not resolved or closed, as of ${asOf}.`;
  const backlogCards = [
    countsCard('backlog-status', 'Backlog now: by status', backlog.byStatus, backlogNow),
    countsCard('backlog-waiting', 'Backlog: waiting for', backlog.byWaitingReason, 'What each open ticket waits for (Support: it is our turn).'),
    countsCard('backlog-age', 'Backlog: age', backlog.byAge, 'Support days since filing (support hours only).', { order: AGE_ORDER }),
    countsCard('backlog-team', 'Backlog: by team', backlog.byTeam, 'The team that answers each open ticket.'),
    countsCard('backlog-assignee', 'Backlog: by assignee', backlog.byAssignee, 'Who each open ticket is assigned to.'),
  ];

  const filed = `${count(volume.total, 'ticket')} filed in the period.`;
  const volumeCards = [
    countsCard('volume-platform', 'Volume: by platform', volume.byPlatform, `${filed} OpenCart itself or a port.`),
    countsCard('volume-line', 'Volume: by OpenCart line', volume.byOpencartLine, `${filed} By the line of the reported version.`),
    countsCard('volume-version', 'Volume: by OpenCart version', volume.byOpencartVersion, `${filed} By the exact reported version.`),
  ];

  const decisions = [...new Set(refunds.byBucket.map((row) => row.decision))].sort((a, b) => DECISION_ORDER.indexOf(a) - DECISION_ORDER.indexOf(b));
  const perDecision = new Map<string, number>();
  const perRule = new Map<string, { rule: string; decision: string; count: number; amounts: Map<string, number> }>();
  for (const row of refunds.byBucket) {
    perDecision.set(row.decision, (perDecision.get(row.decision) ?? 0) + row.count);
    const key = `${row.rule}|${row.decision}`;
    const entry = perRule.get(key) ?? { rule: row.rule, decision: row.decision, count: 0, amounts: new Map<string, number>() };
    entry.count += row.count;
    entry.amounts.set(row.amount.currencyCode, (entry.amounts.get(row.amount.currencyCode) ?? 0) + row.amount.amount);
    perRule.set(key, entry);
  }
  const bans = refunds.bansByReason.reduce((sum, row) => sum + row.count, 0);
  const refundTable: TableSpec = {
    head: ['Rule', 'Decision', 'Requests', 'Amount'],
    rows: [...perRule.values()]
      .sort((a, b) => a.rule.localeCompare(b.rule) || DECISION_ORDER.indexOf(a.decision) - DECISION_ORDER.indexOf(b.decision))
      .map((entry) => [
        words(entry.rule),
        words(entry.decision),
        entry.count,
        [...entry.amounts].map(([currency, amount]) => money(amount, currency)).join(' + '),
      ]),
  };
  // Several rows can share a bucket and a decision (one per rule and currency): the bar adds them up.
  const requestsIn = (start: DateTime, decision: string) =>
    refunds.byBucket
      .filter((row) => row.decision === decision && DateTime.fromISO(row.bucketStart).toMillis() === start.toMillis())
      .reduce((sum, row) => sum + row.count, 0);
  const refundChart: ChartSpec = {
    kind: 'bar',
    labels,
    stacked: true,
    axisTitle: 'requests',
    series: decisions.map((decision) => ({ label: words(decision), values: starts.map((start) => requestsIn(start, decision)) })),
  };
  const refundCard: CardPlan = {
    id: 'refunds',
    title: 'Refunds by rule and decision',
    content: {
      summary:
        `${count(refunds.total, 'refund request')}` +
        (decisions.length ? ` (${decisions.map((d) => `${perDecision.get(d)} ${words(d).toLowerCase()}`).join(', ')})` : '') +
        `; ${count(bans, 'ban')}` +
        (bans ? ` (${refunds.bansByReason.map((row) => `${words(row.key, row.label).toLowerCase()} ${row.count}`).join(', ')})` : '') +
        '.',
      empty: refunds.total === 0 ? 'No refund requests in this period.' : undefined,
      chart: refundChart,
      table: refundTable,
    },
  };

  const atLimit: CardPlan = {
    id: 'at-limit',
    title: 'Customers at their monthly limit',
    tableOnly: true,
    content: {
      summary:
        allowance.atLimitCount === 0
          ? 'No customer has used their whole allowance.'
          : `${count(allowance.atLimitCount, 'customer has', 'customers have')} used their whole allowance${allowance.atLimitCount > allowance.atLimit.length ? ` (the ${allowance.atLimit.length} most used shown)` : ''}.`,
      table: {
        head: ['Customer', 'Plan', 'Tickets used', 'Allowed'],
        rows: allowance.atLimit.map((row) => [row.name, words(row.planKind), row.used, row.limit]),
      },
    },
  };

  return [sla, responseTimes, ...backlogCards, ...volumeCards, refundCard, atLimit];
}
