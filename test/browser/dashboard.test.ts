import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodOf } from '../../dashboard/src/period';
import { createDemoStaff, type DemoTokens, seedCurrent, seedHistory } from '../../server/cli/demo-data';
import { ticketQuery } from '../../server/app/playground';
import { browserTestsEnabled, launchChromium } from '../support/chromium';
import { createMerchant, createTestApp, type TestApp } from '../support/test-app';

const enabled = browserTestsEnabled();
const ROOT = path.resolve(import.meta.dirname, '..', '..');
// A Wednesday morning in the support zone; the demo's history ends the Sunday before.
const NOW = DateTime.fromISO('2026-03-04T10:30:00', { zone: 'America/New_York' });
// `DASHBOARD_SCREENSHOTS=1 npx vitest run test/browser/dashboard.test.ts` refreshes the README's pictures.
const SCREENSHOTS = process.env.DASHBOARD_SCREENSHOTS === '1';

/** Every request a page makes, to check that none leaves this machine. */
function recordRequests(context: BrowserContext): string[] {
  const urls: string[] = [];
  context.on('request', (request) => urls.push(request.url()));
  return urls;
}

function leavingLocalhost(urls: string[]): string[] {
  return urls.filter((url) => {
    const parsed = new URL(url);
    if (parsed.protocol === 'data:' || parsed.protocol === 'blob:') return false;
    return parsed.hostname !== '127.0.0.1';
  });
}

/** Console errors and uncaught exceptions (a Content-Security-Policy violation is a console error). */
function recordErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

async function signIn(page: Page, token: string): Promise<void> {
  await page.fill('#token', token);
  await page.click('#sign-in-form button[type=submit]');
}

async function waitForLoads(page: Page, loads: number): Promise<void> {
  await page.waitForSelector(`#dashboard[data-loads="${loads}"]:not([aria-busy])`, { timeout: 20_000 });
}

/** A card's table as text cells, header row first. */
async function tableOf(page: Page, cardId: string): Promise<string[][]> {
  return page.$$eval(`#${cardId} table tr`, (rows) => rows.map((row) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent ?? '')));
}

describe.runIf(enabled)('the staff dashboard in a real browser', () => {
  let app: TestApp;
  let browser: Browser;
  let tokens: DemoTokens;
  let merchantKey: string;

  beforeAll(async () => {
    app = await createTestApp({ now: NOW });
    tokens = await createDemoStaff(app.orm.em.fork());
    // The history `npm run demo` writes (four of its six weeks to keep the suite lean; all six for the
    // README's pictures), through the API on a clock moved back, then today's merchants.
    await seedHistory(`${app.url}/graphql`, tokens, { now: NOW, setNow: (at) => app.setNow(at), weeks: SCREENSHOTS ? 6 : 4 });
    app.setNow(NOW);
    merchantKey = await seedCurrent(`${app.url}/graphql`, tokens);
    browser = await launchChromium();
    // A few hundred API calls: generous room on a loaded machine.
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** A fresh tab (its own sessionStorage) at a laptop's screen size, its clock at the desk's "now". */
  async function openDashboard(): Promise<{ context: BrowserContext; page: Page; requests: string[]; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const requests = recordRequests(context);
    const page = await context.newPage();
    const errors = recordErrors(page);
    await page.clock.install({ time: app.now().toJSDate() });
    const response = await page.goto(`${app.url}/dashboard`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'self'");
    return { context, page, requests, errors };
  }

  /** supportStats answered directly, over the period the page shows by default (8 weeks by week). */
  async function statsFromApi(filter: Record<string, string> | null = null) {
    const period = periodOf('8w', app.now().toJSDate(), 'America/New_York');
    const document = readFileSync(path.join(ROOT, 'dashboard', 'graphql', 'stats.graphql'), 'utf8');
    const { body } = await app.raw(document, { period: { from: period.from.toISO(), to: period.to.toISO() }, bucket: 'WEEK', filter }, tokens.developer);
    expect(body.errors).toBeUndefined();
    return { stats: body.data!.supportStats, period };
  }

  it('signs a staff member in and shows every section with the numbers supportStats gives, loading nothing from elsewhere', async () => {
    const { context, page, requests, errors } = await openDashboard();
    await signIn(page, tokens.developer);
    await waitForLoads(page, 1);
    const { stats, period } = await statsFromApi();

    // Demo-like data: the sections have something real to show.
    expect(stats.volume.total).toBeGreaterThan(15);
    expect(stats.slaAttainment.firstReply.total.breached).toBeGreaterThan(0);
    expect(stats.refunds.total).toBeGreaterThan(0);
    expect(stats.backlog.total).toBeGreaterThan(0);

    expect(await page.textContent('#who')).toBe('Dana Developer (agent)');
    expect(await page.textContent('#period-label')).toBe(
      `${period.from.toFormat('d LLL yyyy')} – ${period.to.minus({ days: 1 }).toFormat('d LLL yyyy')} (America/New_York), by week`,
    );

    // SLA attainment: the totals in words, and each week's counts in the table.
    const { firstReply, resolution } = stats.slaAttainment;
    const percent = (rate: number | null) => (rate === null ? '—' : `${Math.round(rate * 100)} %`);
    const slaSummary = await page.textContent('#sla .summary');
    expect(slaSummary).toContain(
      `First reply: ${percent(firstReply.total.rate)} met (${firstReply.total.met} met, ${firstReply.total.breached} breached, ${firstReply.total.running} running).`,
    );
    expect(slaSummary).toContain(`Resolution: ${percent(resolution.total.rate)} met (${resolution.total.met} met, ${resolution.total.breached} breached`);
    const slaRows = (await tableOf(page, 'sla')).slice(1);
    expect(slaRows).toHaveLength(8);
    for (const week of firstReply.byBucket) {
      const label = DateTime.fromISO(week.bucketStart, { setZone: true }).toFormat('ccc d LLL yyyy');
      const row = slaRows.find((cells) => cells[0] === label);
      expect(row, label).toBeDefined();
      expect(row!.slice(1, 5)).toEqual([String(week.met), String(week.breached), String(week.running), percent(week.rate)]);
    }

    // Medians in support time.
    const timesSummary = await page.textContent('#times .summary');
    const minutes = (value: number | null) => {
      if (value === null) return '—';
      const m = Math.round(value);
      return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
    };
    expect(timesSummary).toContain(`Median first reply ${minutes(stats.responseTimes.firstReply.median)}`);
    expect(timesSummary).toContain(`median resolution ${minutes(stats.responseTimes.resolution.median)}`);

    // Backlog now, and by status: every status with its count.
    expect(await page.textContent('#backlog-status .summary')).toContain(`${stats.backlog.total} tickets not resolved or closed`);
    const byStatus = (await tableOf(page, 'backlog-status')).slice(1);
    expect(byStatus.map((cells) => Number(cells[1])).reduce((a, b) => a + b, 0)).toBe(stats.backlog.total);
    expect(byStatus).toHaveLength(stats.backlog.byStatus.length);
    const byAssignee = Object.fromEntries((await tableOf(page, 'backlog-assignee')).slice(1).map((cells) => [cells[0], Number(cells[1])]));
    for (const row of stats.backlog.byAssignee) expect(byAssignee[row.key === 'UNASSIGNED' ? 'Unassigned' : row.label]).toBe(row.count);

    // Volume by OpenCart version: the exact versions the stores reported.
    const versions = Object.fromEntries((await tableOf(page, 'volume-version')).slice(1).map((cells) => [cells[0], Number(cells[1])]));
    const reported = (key: string) => (key === 'UNKNOWN' ? 'Not reported' : key);
    expect(versions).toEqual(Object.fromEntries(stats.volume.byOpencartVersion.map((row: { key: string; count: number }) => [reported(row.key), row.count])));
    expect(Object.keys(versions).length).toBeGreaterThanOrEqual(5);
    const platforms = (await tableOf(page, 'volume-platform')).slice(1).map((cells) => cells[0]);
    expect(platforms).toEqual(expect.arrayContaining(['OpenCart', 'MijoShop', 'JooCart', 'ocStore']));

    // Refunds by rule and decision add up to the requests made; the ban is told.
    const refundRows = (await tableOf(page, 'refunds')).slice(1);
    expect(refundRows.map((cells) => Number(cells[2])).reduce((a, b) => a + b, 0)).toBe(stats.refunds.total);
    expect(await page.textContent('#refunds .summary')).toContain('1 ban (abuse 1)');

    // The customers at their limit, as the API lists them.
    const atLimit = (await tableOf(page, 'at-limit')).slice(1);
    if (stats.allowance.atLimitCount === 0) expect(atLimit).toEqual([['None']]);
    else expect(atLimit.map((cells) => cells[0])).toEqual(stats.allowance.atLimit.map((row: { name: string }) => row.name));

    // Every chart is drawn, named for screen readers, with its table behind "Show as a table".
    const charts = await page.$$eval('.card canvas', (canvases) =>
      canvases.map((canvas) => ({
        label: canvas.getAttribute('aria-label') ?? '',
        role: canvas.getAttribute('role'),
        drawn: (canvas as HTMLCanvasElement).width > 0,
      })),
    );
    expect(charts.length).toBe(11);
    for (const chart of charts) expect(chart).toMatchObject({ role: 'img', drawn: true, label: expect.stringContaining('The table below gives every value.') });
    expect(await page.$$eval('.card details table caption', (captions) => captions.length)).toBe(11);

    // The token stays in this tab's sessionStorage, never in the address.
    expect(page.url()).toBe(`${app.url}/dashboard`);
    expect(await page.evaluate(() => Object.values(sessionStorage))).toEqual([tokens.developer]);

    if (SCREENSHOTS) {
      await page.screenshot({ path: path.join(ROOT, 'docs', 'dashboard-top.png') });
      // Below the sticky bar: volume, refunds and the customers at their limit.
      await page.evaluate(() => window.scrollTo(0, document.getElementById('volume-platform')!.getBoundingClientRect().top + window.scrollY - 62));
      await page.screenshot({ path: path.join(ROOT, 'docs', 'dashboard-volume.png') });
    }
    // A filter narrows the ticket figures as supportStats' own filter does.
    await page.selectOption('#filter-platform', 'MIJOSHOP');
    await waitForLoads(page, 2);
    const mijoshop = (await statsFromApi({ platform: 'MIJOSHOP' })).stats;
    expect(mijoshop.volume.total).toBeGreaterThan(0);
    expect(mijoshop.volume.total).toBeLessThan(stats.volume.total);
    expect(await page.textContent('#volume-platform .summary')).toContain(`${mijoshop.volume.total} tickets filed in the period.`);
    expect((await tableOf(page, 'volume-platform')).slice(1)).toEqual([['MijoShop', String(mijoshop.volume.total)]]);
    expect(await page.textContent('#period-label')).toContain('Platform: MijoShop');

    expect(leavingLocalhost(requests)).toEqual([]);
    expect(requests.every((url) => url.startsWith(app.url))).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('refuses a merchant key, and a token that is not valid, with a clear message', async () => {
    const { context, page, requests, errors } = await openDashboard();
    await signIn(page, merchantKey);
    await expect.poll(() => page.textContent('#sign-in-error')).toContain('This is a merchant API key');
    expect(await page.textContent('#sign-in-error')).toContain('sign in with a staff token');
    expect(await page.isHidden('#dashboard')).toBe(true);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);

    await signIn(page, 'ocs_not-a-real-token');
    await expect.poll(() => page.textContent('#sign-in-error')).toContain('This token is not valid');
    expect(await page.isHidden('#dashboard')).toBe(true);
    expect(leavingLocalhost(requests)).toEqual([]);
    // The only console line: Chromium noting the server's 401 for the unknown token.
    expect(errors).toEqual(['Failed to load resource: the server responded with a status of 401 (Unauthorized)']);
    await context.close();
  });

  it('finds a ticket by words of its conversation and links into the playground opened on it', async () => {
    const { context, page, requests, errors } = await openDashboard();
    await signIn(page, tokens.admin);
    await waitForLoads(page, 1);
    await page.fill('#search', 'paypal blank page');
    await page.click('#search-form button[type=submit]');
    const first = page.locator('#search-results .results li').first();
    await first.waitFor({ timeout: 15_000 });
    expect(await first.locator('.subject').textContent()).toBe('Guest checkout shows a blank page with PayPal');
    expect(await page.textContent('#search-results .summary')).toMatch(/^1 ticket matches “paypal blank page”/);
    const number = (await first.locator('a').textContent())!;
    expect(number).toMatch(/^OC-\d{6}$/);
    expect(await first.locator('a').getAttribute('href')).toBe(`/graphql?ticket=${number}`);

    // The query the playground opens with is valid and answers with that ticket.
    const answer = await app.raw(ticketQuery(number), {}, tokens.admin);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data!.ticketByNumber).toMatchObject({
      number,
      subject: 'Guest checkout shows a blank page with PayPal',
      customer: { name: 'Olivia Hart' },
    });

    await first.locator('a').click();
    await page.waitForSelector('.graphiql-container', { timeout: 20_000 });
    await expect
      .poll(() =>
        page.evaluate(() =>
          (document.querySelector('.graphiql-query-editor .CodeMirror') as unknown as { CodeMirror: { getValue(): string } }).CodeMirror.getValue(),
        ),
      )
      .toContain(`ticketByNumber(number: "${number}")`);
    expect(leavingLocalhost(requests)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('refreshes every minute while visible, catches up when shown again, keeps the session on reload and signs out', async () => {
    const { context, page, errors } = await openDashboard();
    await signIn(page, tokens.support);
    await waitForLoads(page, 1);
    const backlogShown = async () => Number((await page.textContent('#backlog-status .summary'))!.match(/^(\d+) tickets?/)![1]);
    const before = await backlogShown();

    // A ticket filed meanwhile shows up at the next refresh, a minute later.
    const merchant = await createMerchant(app);
    await merchant.sdk.TicketCreate({ input: { subject: 'Filed while the dashboard is open', description: 'A new ticket.', category: 'BUG_FIX' as never } });
    await page.clock.fastForward(60_000);
    await waitForLoads(page, 2);
    expect(await backlogShown()).toBe(before + 1);

    // Hidden, the page asks nothing; shown again, it loads at once.
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await page.clock.fastForward(180_000);
    expect(await page.textContent('#status')).toBe('Paused while this tab is hidden');
    expect(await page.getAttribute('#dashboard', 'data-loads')).toBe('2');
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await waitForLoads(page, 3);

    // A reload keeps the session (sessionStorage); signing out forgets the token.
    await page.reload();
    await waitForLoads(page, 1);
    expect(await page.textContent('#who')).toBe('Sam Support (agent)');
    await page.click('#sign-out');
    expect(await page.isVisible('#sign-in')).toBe(true);
    expect(await page.textContent('#sign-in-error')).toContain('Signed out');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await page.reload();
    expect(await page.isVisible('#sign-in')).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });
});
