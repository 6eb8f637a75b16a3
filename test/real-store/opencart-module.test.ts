// The module in real OpenCart stores (3.0.4.0, 4.0.2.3, 4.1.0.4): upstream archives installed on MariaDB,
// served by `php -S`, driven in Chromium the way a merchant clicks, against the real API (test-app).
// After logging in, every step is a click on what the admin shows: no typed addresses, no location.hash.
// Screenshots go to test-results/real-store/<version>/; with OCSD_UPDATE_SCREENSHOTS=1 the 4.1.0.4 ones
// also replace the README's (opencart-extension/docs/screenshots/).
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DateTime } from 'luxon';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pack } from '../../opencart-extension/scripts/pack';
import { humanise } from '../../opencart-extension/src/format';
import { TICKET_REFRESH_MS } from '../../opencart-extension/src/views/ticket';
import { createLogger } from '../../server/app/logger';
import { startEventRuntime, type EventRuntime } from '../../server/modules/events/events.runtime';
import { CHROMIUM_PATH, hasChromium, launchChromium, NO_CHROMIUM } from '../support/chromium';
import { BanReason } from '../sdk/generated';
import { createMerchant, createStaff, createTestApp, type Merchant, type TestApp } from '../support/test-app';
import { installModule, login, openMenu, openModule, removePackage, tab, uninstallModule, uploadPackage, watchPage } from './support/admin';
import { startMariaDb, type MariaDb } from './support/mariadb';
import { installStore, realStoreUnavailable, VERSIONS, type OpenCartVersion, type Store } from './support/store';

const ROOT = resolve(import.meta.dirname, '../..');
const README_SHOTS_FROM: OpenCartVersion = '4.1.0.4';

// OPENCART_VERSIONS=4.1.0.4 (comma-separated) runs a subset while working on one line.
const versions = (process.env.OPENCART_VERSIONS?.split(',').map((v) => v.trim()) ?? [...VERSIONS]) as OpenCartVersion[];

const unavailable = realStoreUnavailable() ?? (hasChromium ? null : NO_CHROMIUM);
// Under CI (.ci/run installs MariaDB, PHP's extensions and Chromium, and ../shared is beside the checkout) this is a failure.
if (unavailable && process.env.CI) throw new Error(`CI: ${unavailable}`);
if (unavailable) console.warn(`SKIPPED: ${unavailable}`);

let app: TestApp;
/** The desk's outbox relay: turns the API's events into the merchant's notifications (the menu's count). */
let events: EventRuntime;
let mariadb: MariaDb;
let browser: Browser;
let packages: Record<'3.0' | '4.x', string>;
let packDir: string;

const TICKET_FIELDS = `id number subject status category coverage accessState accessDisabledAt firstReplyDueAt
  access { storeAdmin { username } fileAccess { protocol host username } }
  quote { status } messages(first: 20) { edges { node { body author { kind } } } }`;

/** A real 1×1 PNG (a screenshot), and an error log with a database password in it. */
const SCREENSHOT = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4e10000000049454e44ae426082',
  'hex',
);
const LOG_PASSWORD = 'Db-secret-5150';
/**
 * How long a click's answer may take to show. `php -S` serves one request at a time, and a ticket
 * page sends its own (marking it read) as it opens: a click right after waits for those first.
 */
const ANSWERED = { timeout: 15_000 };
const ERROR_LOG = `2026-03-03 9:12:02 - PHP Warning:  mysqli::__construct(): (HY000/1045): Access denied for user 'shop'@'localhost' (using password: YES)\n2026-03-03 9:12:03 - DB_PASSWORD=${LOG_PASSWORD}\n`;

describe.skipIf(unavailable)(`module in real OpenCart stores (Chromium at ${CHROMIUM_PATH})`, () => {
  beforeAll(async () => {
    packDir = mkdtempSync(join(tmpdir(), 'ocsd-packages-'));
    // OCSD_PACKAGES=<folder with opencart-3.0/ and opencart-4.x/> tests packages built elsewhere (a release).
    const built = process.env.OCSD_PACKAGES
      ? Promise.resolve({
          '3.0': join(process.env.OCSD_PACKAGES, 'opencart-3.0', 'oc_support_desk.ocmod.zip'),
          '4.x': join(process.env.OCSD_PACKAGES, 'opencart-4.x', 'oc_support_desk.ocmod.zip'),
        })
      : pack(packDir);
    [app, mariadb, packages, browser] = await Promise.all([createTestApp(), startMariaDb(), built, launchChromium()]);
    events = await startEventRuntime({
      orm: app.orm,
      logger: createLogger('silent'),
      clock: () => app.now(),
      relayEnabled: true,
      mail: { smtpUrl: null, from: 'Desk <desk@support.test>', ticketUrlTemplate: 'https://desk.example.com/tickets/{number}' },
    });
  });
  afterAll(async () => {
    await browser?.close();
    await mariadb?.stop();
    await events?.stop();
    await app?.close();
    if (packDir) rmSync(packDir, { recursive: true, force: true });
  });

  describe.each(versions)('OpenCart %s', (version) => {
    let store: Store;
    let context: BrowserContext;
    let page: Page;
    let problems: string[];
    let merchant: Merchant;
    let staff: { token: string };

    const root = () => page.locator('#oc-support-desk');
    /** Files chosen the way a merchant does: a click on the field opens the file chooser. */
    async function chooseFiles(selector: string, files: Array<{ name: string; mimeType: string; buffer: Buffer }>) {
      const [chooser] = await Promise.all([page.waitForEvent('filechooser'), root().locator(selector).click()]);
      await chooser.setFiles(files);
    }
    const flash = (kind: 'success' | 'danger' | 'warning') => root().locator(`.alert-${kind}`).first();

    async function shot(name: string): Promise<void> {
      const dir = join(ROOT, 'test-results', 'real-store', version);
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `${name}.png`);
      // The top of the page, as the merchant first sees it (filling a field scrolls it into view).
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: file });
      if (process.env.OCSD_UPDATE_SCREENSHOTS === '1' && version === README_SHOTS_FROM) {
        copyFileSync(file, join(ROOT, 'opencart-extension', 'docs', 'screenshots', `${name}.png`));
      }
    }

    async function merchantCall(query: string, variables: Record<string, unknown> = {}) {
      const { body } = await app.raw(query, variables, merchant.token);
      if (body.errors?.length) throw new Error(JSON.stringify(body.errors));
      return body.data!;
    }
    async function staffCall(query: string, variables: Record<string, unknown>) {
      const { body } = await app.raw(query, variables, staff.token);
      if (body.errors?.length) throw new Error(JSON.stringify(body.errors));
      return body.data!;
    }
    const tickets = async (): Promise<any[]> =>
      (await merchantCall(`query { tickets(first: 20) { edges { node { ${TICKET_FIELDS} } } } }`)).tickets.edges.map((e: any) => e.node);
    const ticketBySubject = async (subject: string) => (await tickets()).find((t) => t.subject === subject);
    /** The files of a ticket and of each of its messages, by name. */
    const filesOf = async (id: string) =>
      (
        await merchantCall(
          `query($id: ID!) { node(id: $id) { ... on Ticket { attachments { fileName contentType redactions } messages(first: 20) { edges { node { attachments { fileName } } } } } } }`,
          { id },
        )
      ).node;
    const allowance = async () => (await merchantCall('query { viewer { customer { allowance { used remaining } } } }')).viewer.customer.allowance;
    const temporaryUsers = () => store.rows("SELECT user_id, username, status FROM oc_user WHERE username LIKE 'ocsupport\\_%' ORDER BY user_id");
    const tableExists = async (table: string) => (await store.rows(`SHOW TABLES LIKE '${table}'`)).length > 0;

    async function fillTicket(category: string, subject: string, description: string) {
      // A fresh form, through the list's "New ticket" button.
      await tab(page, 'Tickets').click();
      await root().locator('[data-testid="tickets"]').waitFor();
      await root().locator('#ocsd-main').getByRole('link', { name: 'New ticket' }).click();
      await root().locator('#ocsd-subject').waitFor();
      expect(await root().locator('#ocsd-subject').inputValue()).toBe('');
      await root().getByLabel('Category').selectOption({ label: category });
      await root().locator('#ocsd-subject').fill(subject);
      await root().locator('#ocsd-description').fill(description);
      // The detected environment is there to read before sending, below the Send button: no long table to scroll past.
      await root().locator('[data-testid="environment"]').waitFor({ state: 'attached' });
      const sendAt = (await root().getByRole('button', { name: 'Send ticket' }).boundingBox())!;
      for (const table of await root().locator('#ocsd-new table').all()) {
        const at = await table.boundingBox();
        if (at) expect(sendAt.y).toBeLessThan(at.y);
      }
    }
    async function fillFileAccess(protocol: 'FTP' | 'FTPS' | 'SFTP', host: string, prefix = '') {
      await root().locator(`[name="${prefix}ftpProtocol"]`).selectOption(protocol);
      await root().locator(`[name="${prefix}ftpHost"]`).fill(host);
      await root().locator(`[name="${prefix}ftpUsername"]`).fill('support');
      await root().locator(`[name="${prefix}ftpPassword"]`).fill('file-access-secret-9');
    }
    async function send() {
      await root().getByRole('button', { name: 'Send ticket' }).click();
    }
    /** After sending, the module shows the tickets list with a success message. */
    async function filed() {
      await flash('success').waitFor({ timeout: 20_000 });
      await root().locator('[data-testid="tickets"]').waitFor();
    }
    async function openTicket(subject: string) {
      await tab(page, 'Settings').click();
      await tab(page, 'Tickets').click();
      await root().getByRole('link', { name: subject }).click();
      await root().locator('[data-testid="conversation"]').waitFor();
    }

    beforeAll(async () => {
      store = await installStore(version, mariadb);
      merchant = await createMerchant(app);
      staff = await createStaff(app, 'AGENT');
      context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      page = await context.newPage();
      page.setDefaultTimeout(15_000);
      problems = watchPage(page, store);
    });
    let configured = false;
    beforeEach(async () => {
      // After a failed step the page may have left the module (or the session): come back as a merchant
      // would, so each later step still reports its own result.
      if (
        !configured ||
        (await root()
          .locator('nav')
          .isVisible()
          .catch(() => false))
      )
        return;
      if (
        await page
          .locator('input[name="password"]')
          .isVisible()
          .catch(() => false)
      )
        await login(page, store);
      await openModule(page);
    });
    afterEach(async ({ task }) => {
      // What the merchant saw when a step failed, for the findings.
      if (task.result?.state === 'fail' && page) {
        const dir = join(ROOT, 'test-results', 'real-store', version);
        mkdirSync(dir, { recursive: true });
        await page.screenshot({ path: join(dir, `failed-${task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`), fullPage: true }).catch(() => undefined);
      }
    });
    afterAll(async () => {
      await context?.close();
      await store?.stop();
    });

    it('logs in, uploads the package in Extensions > Installer and installs the module under Extensions > Modules', async () => {
      await login(page, store);
      await uploadPackage(page, store, packages[store.line]);
      await installModule(page);
      expect(await tableExists('oc_oc_support_desk_access')).toBe(true);
      const perms = await store.rows("SELECT permission FROM oc_user_group WHERE name = 'Administrator'");
      expect(perms[0]!.permission).toContain('oc_support_desk');
    });

    it('is configured in Settings: endpoint and key, test connection, enabled, saved', async () => {
      await openModule(page);
      // Not configured yet: the module opens on its settings.
      await root().locator('#ocsd-endpoint').waitFor();
      await root().locator('#ocsd-endpoint').fill(`${app.url}/graphql`);
      await root().locator('#ocsd-api-key').fill(merchant.token);
      await root().getByRole('button', { name: 'Test connection' }).click();
      await expect.poll(() => root().locator('#ocsd-settings-result').textContent()).toMatch(/Connected as\s+Merchant \d+/);
      await root().getByLabel('Enabled').check();
      await root().getByRole('button', { name: 'Save' }).click();
      await root().locator('.alert-success', { hasText: 'Settings saved' }).waitFor();
      const settings = Object.fromEntries(
        (await store.rows("SELECT `key`, value FROM oc_setting WHERE `key` LIKE 'module_oc_support_desk_%'")).map((r) => [r.key, r.value]),
      );
      expect(settings.module_oc_support_desk_status).toBe('1');
      expect(settings.module_oc_support_desk_endpoint).toBe(`${app.url}/graphql`);
      // The key is stored on the server and never comes back to the browser.
      expect(await page.content()).not.toContain(merchant.token);
      expect(await root().locator('#ocsd-api-key').inputValue()).toBe('');
      // Every row of the form stays inside the module's box (3.0's form-horizontal rows stuck out by 15 px each side).
      const box = (await root().boundingBox())!;
      for (const row of await root().locator('#ocsd-settings > *').all()) {
        const at = await row.boundingBox();
        if (!at) continue;
        expect(at.x).toBeGreaterThanOrEqual(box.x - 0.5);
        expect(at.x + at.width).toBeLessThanOrEqual(box.x + box.width + 0.5);
      }
      configured = true;
      await shot('settings');
    });

    it('opens every tab by clicking, without leaving the module page', async () => {
      const moduleUrl = page.url().replace(/#.*$/, '');
      for (const name of ['Tickets', 'New ticket', 'Settings', 'Tickets'] as const) {
        await tab(page, name).click();
        await expect.poll(() => tab(page, name).getAttribute('class')).toContain('ocsd-active');
        expect(page.url().replace(/#.*$/, '')).toBe(moduleUrl);
      }
      await root().locator('[data-testid="tickets"]').waitFor();
      await root().getByRole('link', { name: 'New ticket' }).last().click();
      await root().locator('#ocsd-subject').waitFor();
      expect(page.url().replace(/#.*$/, '')).toBe(moduleUrl);
    });

    it('shows the tab clicked last when an earlier one is still loading', async () => {
      // The tickets list's answer is held in the browser until the merchant has moved on to Settings.
      let requested!: () => void;
      let release!: () => void;
      const listRequested = new Promise<void>((r) => (requested = r));
      const released = new Promise<void>((r) => (release = r));
      const isList = (postData: string | null) => postData?.includes('TicketList') ?? false;
      await page.route(
        (url) => url.href.startsWith(store.url),
        async (route) => {
          if (isList(route.request().postData())) {
            requested();
            await released;
          }
          await route.fallback();
        },
      );
      try {
        await tab(page, 'Settings').click();
        await root().locator('#ocsd-endpoint').waitFor();
        await tab(page, 'Tickets').click();
        await listRequested;
        await tab(page, 'Settings').click();
        await root().locator('#ocsd-endpoint').waitFor();
        const answered = page.waitForResponse((response) => isList(response.request().postData()));
        release();
        await answered;
        // Let the page handle the late answer (parse, render) before looking.
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
        expect(await root().locator('#ocsd-endpoint').isVisible()).toBe(true);
        expect(await root().locator('[data-testid="tickets"]').count()).toBe(0);
      } finally {
        release();
        await page.unrouteAll({ behavior: 'wait' });
      }
    });

    it('refuses an incomplete access choice (temporary admin user without FTP) before anything is filed', async () => {
      const before = await allowance();
      await fillTicket('Bug fix', 'Incomplete access should not be filed', 'The product page shows a warning about a missing image size since the update.');
      await root().locator('input[name="adminMode"][value="temporary"]').check();
      // FTP half filled: a password but no host.
      await root().locator('[name="ftpUsername"]').fill('support');
      await root().locator('[name="ftpPassword"]').fill('half-filled-ftp-secret');
      await send();
      const error = root().locator('#ocsd-new .alert-danger').first();
      await error.waitFor();
      expect(await error.textContent()).toMatch(/FTP/);
      expect(await tickets()).toHaveLength(0);
      expect(await allowance()).toEqual(before);
      expect(await temporaryUsers()).toEqual([]);
      // The password typed is not echoed back in any message.
      expect(await root().textContent()).not.toContain('half-filled-ftp-secret');
      expect(await root().textContent()).not.toMatch(/password:\s*"/);
      // The "New ticket" tab, clicked while on it, starts a fresh form: no old error, no old values.
      await tab(page, 'New ticket').click();
      await expect.poll(() => root().locator('#ocsd-new .alert-danger').count()).toBe(0);
      expect(await root().locator('#ocsd-subject').inputValue()).toBe('');
      expect(await root().locator('[name="ftpPassword"]').inputValue()).toBe('');
    });

    it('files a ticket with a temporary admin user and FTP access', async () => {
      const subject = 'Checkout shows a blank page';
      const before = await allowance();
      await fillTicket('Bug fix', subject, 'Since the update the checkout page is blank when a guest pays with PayPal. It worked last week.');
      await root().locator('input[name="adminMode"][value="temporary"]').check();
      await fillFileAccess('FTP', 'ftp.shop.example.com');
      await chooseFiles('#ocsd-new-files', [{ name: 'blank-checkout.png', mimeType: 'image/png', buffer: SCREENSHOT }]);
      await shot('new-ticket');
      await send();
      await filed();
      const message = await flash('success').textContent();
      expect(message).toMatch(/Ticket OC-\d{6} was sent/);
      // The access went with the ticket: the message must not ask for it again.
      expect(message).not.toMatch(/provide it|access was not sent/i);

      const ticket = await ticketBySubject(subject);
      expect(ticket).toMatchObject({ status: 'OPEN', accessState: 'PROVIDED' });
      expect(ticket.access.fileAccess).toMatchObject({ protocol: 'FTP', host: 'ftp.shop.example.com' });
      expect(ticket.access.storeAdmin.username).toMatch(/^ocsupport_/);
      expect((await filesOf(ticket.id)).attachments).toEqual([{ fileName: 'blank-checkout.png', contentType: 'image/png', redactions: 0 }]);
      expect(await temporaryUsers()).toEqual([expect.objectContaining({ username: ticket.access.storeAdmin.username, status: '1' })]);
      expect((await allowance()).used).toBe(before.used + 1);
    });

    it('files a custom-development ticket with the own admin login and SFTP access', async () => {
      const subject = 'A delivery date field at checkout';
      await fillTicket('New feature', subject, 'We would like customers to choose a delivery date at checkout, shown on the order page.');
      await root().locator('input[name="adminMode"][value="manual"]').check();
      await root().locator('[name="adminUsername"]').fill(store.admin.username);
      await root().locator('[name="adminPassword"]').fill(store.admin.password);
      await fillFileAccess('SFTP', 'sftp.shop.example.com');
      await send();
      await filed();
      expect(await flash('success').textContent()).toMatch(/Ticket OC-\d{6} was sent/);
      const ticket = await ticketBySubject(subject);
      expect(ticket).toMatchObject({ category: 'NEW_FUNCTIONALITY', coverage: 'CUSTOM_DEVELOPMENT', accessState: 'PROVIDED' });
      expect(ticket.access.storeAdmin.username).toBe(store.admin.username);
      expect(ticket.access.fileAccess).toMatchObject({ protocol: 'SFTP', host: 'sftp.shop.example.com' });
      // Only the first ticket's temporary user exists.
      expect(await temporaryUsers()).toHaveLength(1);
    });

    it('lists the tickets, opens one and replies', async () => {
      await tab(page, 'Tickets').click();
      await root().locator('[data-testid="tickets"]').waitFor();
      await expect.poll(() => root().locator('[data-testid="tickets"] tbody tr').count()).toBe(2);
      await shot('tickets');
      await openTicket('Checkout shows a blank page');
      await root().locator('#ocsd-reply-body').fill('Thank you. The error log shows nothing new since Monday.');
      await chooseFiles('#ocsd-reply-files', [{ name: 'error.log', mimeType: 'text/plain', buffer: Buffer.from(ERROR_LOG) }]);
      await root().getByRole('button', { name: 'Send reply' }).click();
      await expect.poll(() => root().textContent(), ANSWERED).toContain('Your reply was sent.');
      expect(await flash('success').textContent()).toContain('1 credential was removed from error.log before it was stored.');
      // Both files on the page, each downloaded by a click through the store (the key stays in PHP).
      const save = async (name: string) => {
        const [download] = await Promise.all([page.waitForEvent('download'), root().getByRole('button', { name }).click()]);
        expect(download.suggestedFilename()).toBe(name);
        return readFileSync((await download.path())!);
      };
      expect((await save('blank-checkout.png')).equals(SCREENSHOT)).toBe(true);
      const log = (await save('error.log')).toString('utf8');
      expect(log).toContain('DB_PASSWORD=[REDACTED]');
      expect(log).not.toContain(LOG_PASSWORD);
      expect(await root().locator('[data-testid="conversation"]').textContent()).toContain('The error log shows nothing new since Monday.');
      // The merchant's own reply is "You", like the description above it, not the account's name.
      expect(await root().locator('.ocsd-message-customer [data-testid="author"]').allTextContents()).toEqual([expect.stringMatching(/^You · /)]);
      await shot('ticket');
      const ticket = await ticketBySubject('Checkout shows a blank page');
      expect(ticket.messages.edges.map((e: any) => [e.node.author.kind, e.node.body])).toEqual([
        ['CUSTOMER', 'Thank you. The error log shows nothing new since Monday.'],
      ]);
      const files = await filesOf(ticket.id);
      expect(files.messages.edges.map((e: any) => e.node.attachments.map((a: any) => a.fileName))).toEqual([['error.log']]);
      expect(files.attachments).toEqual([
        { fileName: 'blank-checkout.png', contentType: 'image/png', redactions: 0 },
        { fileName: 'error.log', contentType: 'text/plain; charset=utf-8', redactions: 1 },
      ]);
    });

    it('accepts the quote support set on the custom-development ticket', async () => {
      const ticket = await ticketBySubject('A delivery date field at checkout');
      const quoted = await staffCall('mutation($input: TicketQuoteSetInput!) { ticketQuoteSet(input: $input) { userErrors { message } } }', {
        input: { ticketId: ticket.id, amount: 35000, note: 'A delivery date module with an order page field.' },
      });
      expect(quoted.ticketQuoteSet.userErrors).toEqual([]);
      await openTicket('A delivery date field at checkout');
      await root().locator('[data-testid="quote"]').waitFor();
      await root().getByRole('button', { name: 'Accept quote' }).click();
      await expect.poll(() => root().textContent(), ANSWERED).toContain('Quote accepted.');
      expect((await ticketBySubject('A delivery date field at checkout')).quote.status).toBe('ACCEPTED');
    });

    it('requests a refund from a ticket page', async () => {
      // An hour past the bug fix's first-reply deadline with no reply: a broken promise, which the refund rules consider.
      const { firstReplyDueAt } = await ticketBySubject('Checkout shows a blank page');
      app.setNow(DateTime.fromISO(firstReplyDueAt).plus({ hours: 1 }));
      await openTicket('A delivery date field at checkout');
      await root().getByText('Request a refund').click();
      await root().locator('#ocsd-refund-reason').selectOption('SERVICE_NOT_DELIVERED');
      await root().locator('#ocsd-refund-details').fill(`The first reply came late (OpenCart ${version}).`);
      await root().getByRole('button', { name: 'Request refund' }).click();
      await expect.poll(() => root().textContent(), ANSWERED).toContain('Your refund request was sent.');
      const refunds = await app.raw('query { refunds(first: 5) { edges { node { status reason details } } } }', {}, staff.token);
      const mine = refunds.body.data!.refunds.edges.map((e: any) => e.node).filter((r: any) => String(r.details).includes(`came late (OpenCart ${version})`));
      expect(mine).toEqual([expect.objectContaining({ status: 'PENDING', reason: 'SERVICE_NOT_DELIVERED' })]);
    });

    it("shows support's reply: a count on the menu entry on every admin page, the open ticket page updated without a reload, the count gone once read", async () => {
      const subject = 'Checkout shows a blank page';
      const ticket = await ticketBySubject(subject);
      const unread = async () => {
        await events.relay.drain();
        return (await merchantCall('query { viewer { notifications(first: 1, unreadOnly: true) { unreadCount } } }')).viewer.notifications
          .unreadCount as number;
      };
      const badge = () => page.locator('#menu #oc-support-desk-unread');
      const reply = (body: string) =>
        staffCall('mutation($input: TicketReplyInput!) { ticketReply(input: $input) { userErrors { message } } }', { input: { ticketId: ticket.id, body } });
      // Everything the desk told the merchant so far has been read.
      await unread();
      await merchantCall('mutation { notificationMarkAllRead(input: {}) { unreadCount } }');
      expect((await reply('We found the cause: a theme override of the payment step.')).ticketReply.userErrors).toEqual([]);
      const count = await unread();
      expect(count).toBeGreaterThan(0);

      // The count kept in OpenCart's cache is at most 30 s old; the test removes it instead of waiting.
      for (const file of readdirSync(join(store.root, 'system', 'storage', 'cache'))) {
        if (file.startsWith('cache.oc_support_desk_unread.')) rmSync(join(store.root, 'system', 'storage', 'cache', file));
      }
      // The page's clock is the test's from here on, so that the ticket page's polling runs when told to.
      await page.clock.install();
      // Any admin page: its menu shows the count; the next one too, from the cache (the API is not asked on every page).
      await openMenu(page, 'Extensions', 'Installer');
      expect(await badge().textContent()).toBe(String(count));
      await openMenu(page, 'Extensions', 'Extensions');
      expect(await badge().textContent()).toBe(String(count));

      // The menu entry opens the module; opening the ticket reads it, and the count goes at once.
      await Promise.all([page.waitForURL(/oc_support_desk/), page.locator('#menu-oc-support-desk > a').click()]);
      await root().locator('nav').waitFor();
      await openTicket(subject);
      expect(await root().locator('[data-testid="conversation"]').textContent()).toContain('a theme override of the payment step');
      await badge().waitFor({ state: 'detached' });
      await expect.poll(unread, { timeout: 15_000 }).toBe(0);

      // Support answers again and moves the ticket on while the page is open: both appear without a reload.
      const shownAt = page.url();
      const statusBefore = await root().locator('.ocsd-status').textContent();
      await root().locator('#ocsd-reply-body').fill('Half-written answer');
      expect((await reply('The override is removed: please try a guest checkout with PayPal.')).ticketReply.userErrors).toEqual([]);
      const moved = await staffCall(
        'mutation($input: TicketStatusChangeInput!) { ticketStatusChange(input: $input) { ticket { status } userErrors { message } } }',
        {
          input: { ticketId: ticket.id, status: 'WAITING_ON_CUSTOMER' },
        },
      );
      expect(moved.ticketStatusChange.userErrors).toEqual([]);
      expect(await root().locator('[data-testid="conversation"]').textContent()).not.toContain('please try a guest checkout');
      // The desk has told the merchant of both before the page asks.
      expect(await unread()).toBeGreaterThan(0);
      await page.clock.runFor(TICKET_REFRESH_MS);
      await expect.poll(() => root().locator('[data-testid="conversation"]').textContent(), { timeout: 15_000 }).toContain('please try a guest checkout');
      await expect.poll(() => root().locator('.ocsd-status').textContent(), { timeout: 15_000 }).toBe(humanise(moved.ticketStatusChange.ticket.status));
      expect(humanise(moved.ticketStatusChange.ticket.status)).not.toBe(statusBefore);
      expect(page.url()).toBe(shownAt);
      expect(await root().locator('#ocsd-reply-body').inputValue()).toBe('Half-written answer');
      // Seen on the open page is read too: no count on the next admin page.
      await expect.poll(unread, { timeout: 15_000 }).toBe(0);
      await root().locator('#ocsd-reply-body').fill('');
      await openMenu(page, 'Extensions', 'Installer');
      expect(await page.locator('#menu-oc-support-desk').count()).toBe(1);
      expect(await badge().count()).toBe(0);
      await openModule(page);
    });

    it('disables the temporary user of a ticket support resolved, before the tickets list is shown', async () => {
      const ticket = await ticketBySubject('Checkout shows a blank page');
      const resolved = await staffCall('mutation($input: TicketStatusChangeInput!) { ticketStatusChange(input: $input) { userErrors { message } } }', {
        input: { ticketId: ticket.id, status: 'RESOLVED' },
      });
      expect(resolved.ticketStatusChange.userErrors).toEqual([]);
      // From another page of the module, as a merchant coming back to the list.
      await tab(page, 'New ticket').click();
      await tab(page, 'Tickets').click();
      const row = root().locator(`tr[data-ticket-id="${ticket.id}"]`);
      await row.waitFor();
      expect(await row.textContent()).toContain('Resolved');
      // The list that shows the resolution was rendered after the user was disabled: no "still active" entry.
      expect(await temporaryUsers()).toEqual([expect.objectContaining({ username: ticket.access.storeAdmin.username, status: '0' })]);
      expect(await root().locator('[data-testid="temporary-users"]').count()).toBe(0);
      await expect.poll(async () => (await ticketBySubject('Checkout shows a blank page')).accessDisabledAt).toBeTruthy();
    });

    it('gives a temporary admin user on a ticket page and takes it back with "Disable now"', async () => {
      await openTicket('A delivery date field at checkout');
      await root().getByText('Provide or replace store access').click();
      await root().locator('input[name="a-adminMode"][value="temporary"]').check();
      await fillFileAccess('FTPS', 'ftps.shop.example.com', 'a-');
      await root().getByRole('button', { name: 'Send access to support' }).click();
      await expect.poll(() => root().textContent(), ANSWERED).toMatch(/Support received the temporary admin user ocsupport_/);
      const active = (await temporaryUsers()).filter((u) => u.status === '1');
      expect(active).toHaveLength(1);

      await tab(page, 'Tickets').click();
      const panel = root().locator('[data-testid="temporary-users"]');
      await panel.waitFor();
      expect(await panel.textContent()).toContain(active[0]!.username);
      await panel.getByRole('button', { name: 'Disable now' }).click();
      await expect.poll(() => root().textContent(), ANSWERED).toContain('The temporary admin user is disabled and support has been told.');
      expect((await temporaryUsers()).filter((u) => u.status === '1')).toEqual([]);
      // Disabled before the ticket was finished: the support desk drops the access and waits for new access.
      expect(await ticketBySubject('A delivery date field at checkout')).toMatchObject({ accessState: 'MISSING', status: 'AWAITING_ACCESS' });
    });

    it('withdraws a ticket from its page: closed, its allowance back before a reply, its temporary user disabled', async () => {
      const subject = 'Blank product images after the update';
      await fillTicket('Bug fix', subject, 'Since the update, product images on the category page are blank for every product.');
      await root().locator('input[name="adminMode"][value="temporary"]').check();
      await fillFileAccess('FTP', 'ftp.shop.example.com');
      await send();
      await filed();
      const before = await allowance();
      const ticket = await ticketBySubject(subject);
      expect(await temporaryUsers()).toContainEqual(expect.objectContaining({ username: ticket.access.storeAdmin.username, status: '1' }));

      await openTicket(subject);
      await root().getByText('Withdraw this ticket').click();
      await root().locator('#ocsd-withdraw-reason').fill('The images came back after clearing the image cache.');
      await root().getByRole('button', { name: 'Withdraw ticket' }).click();
      await expect.poll(() => root().textContent(), ANSWERED).toContain('Your ticket was withdrawn and is closed.');
      // The ticket page again, now showing the ticket closed (the flash shows while it loads).
      await expect.poll(() => root().locator('.ocsd-facts').textContent(), ANSWERED).toContain('Closed');
      expect(await ticketBySubject(subject)).toMatchObject({ status: 'CLOSED' });
      // Withdrawn before support replied: it no longer counts toward the month's tickets.
      expect((await allowance()).used).toBe(before.used - 1);
      // The page that shows the closed ticket disabled its temporary user first.
      expect(await temporaryUsers()).toContainEqual(expect.objectContaining({ username: ticket.access.storeAdmin.username, status: '0' }));
      expect(await root().locator('[data-testid="temporary-user"]').count()).toBe(0);
      expect(await root().locator('#ocsd-withdraw').count()).toBe(0);
    });

    it('uninstalls cleanly and installs again', async () => {
      await uninstallModule(page);
      expect(await temporaryUsers()).toEqual([]);
      expect(await tableExists('oc_oc_support_desk_access')).toBe(false);
      expect(await store.rows("SELECT code FROM oc_event WHERE code = 'oc_support_desk'")).toEqual([]);
      await installModule(page);
      expect(await tableExists('oc_oc_support_desk_access')).toBe(true);
      await openModule(page);
      // OpenCart deleted the settings with the uninstall: the module asks for them again.
      await root().locator('#ocsd-endpoint').waitFor();
      expect(await root().textContent()).toContain('Enter the API endpoint');
    });

    it('takes a new upload of the package the way the README says', async () => {
      if (store.line === '4.x') {
        // 4.x keeps the installer's entry: uninstall the module, then Uninstall and Delete it in the installer.
        await uninstallModule(page);
        await removePackage(page);
        expect(existsSync(join(store.root, 'extension', 'oc_support_desk'))).toBe(false);
      }
      // 3.0 copies the files over the old ones.
      await uploadPackage(page, store, packages[store.line]);
      if (store.line === '4.x') await installModule(page);
      await openModule(page);
      await root().locator('#ocsd-endpoint').waitFor();
    });

    it('tells a merchant whose account support banned so in its own words, not to check the key', async () => {
      // Another merchant's store admin: connected and saved, then banned by support ("Your access will be banned permanently").
      const banned = await createMerchant(app);
      await root().locator('#ocsd-endpoint').fill(`${app.url}/graphql`);
      await root().locator('#ocsd-api-key').fill(banned.token);
      await root().getByRole('button', { name: 'Test connection' }).click();
      await expect.poll(() => root().locator('#ocsd-settings-result').textContent()).toMatch(/Connected as/);
      await root().getByLabel('Enabled').check();
      await root().getByRole('button', { name: 'Save' }).click();
      await root().locator('.alert-success', { hasText: 'Settings saved' }).waitFor();
      const ban = await app.admin.CustomerBan({ input: { customerId: banned.customerId, reason: BanReason.Abuse, note: 'Abusive messages to staff.' } });
      expect(ban.customerBan.userErrors).toEqual([]);

      // The store's module answers the browser 502 for an API refusal; those answers are expected here.
      const before = problems.length;
      const BANNED = 'The support desk has closed this account permanently';
      await tab(page, 'Tickets').click();
      const refused = root().locator('.alert-danger').first();
      await refused.waitFor(ANSWERED);
      expect(await refused.textContent()).toContain(BANNED);
      expect(await root().textContent()).not.toMatch(/did not accept your merchant API key|Check it in the module settings/);
      await tab(page, 'Settings').click();
      await root().getByRole('button', { name: 'Test connection' }).click();
      await expect.poll(() => root().locator('#ocsd-settings-result').textContent(), ANSWERED).toContain(BANNED);
      const seen = problems.splice(before);
      expect(seen.filter((p) => !/^HTTP 502 for .*oc_support_desk/.test(p))).toEqual([]);
    });

    it("left the store's PHP error log, php -S and the browser console clean", async () => {
      expect(store.errorLog()).toBe('');
      expect(store.serverErrors()).toEqual([]);
      expect(problems).toEqual([]);
    });
  });
});
