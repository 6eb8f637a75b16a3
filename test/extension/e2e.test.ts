// End to end: the module's UI (built bundle in its shell page, headless Chromium), its JSON endpoint
// (real PHP, `php -S`) and the real API (test/support/test-app: HTTP, GraphQL, PostgreSQL).
// A merchant files a ticket, sees it listed with its due time in the admin's time zone, and replies.
// Screenshots of the main pages go to test-results/opencart-extension/ (the README's come from a real
// store: test/real-store/).
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { buildBundle } from '../../opencart-extension/scripts/pack';
import { createLogger } from '../../server/app/logger';
import { fromGlobalId } from '../../server/common/global-id';
import { DomainEventType } from '../../server/modules/events/domain-event';
import { DomainEvents } from '../../server/modules/events/domain-events';
import { customerEvent } from '../../server/modules/events/event-of';
import { startEventRuntime } from '../../server/modules/events/events.runtime';
import { formatDateTime } from '../../opencart-extension/src/format';
import { TICKET_REFRESH_MS } from '../../opencart-extension/src/views/ticket';
import { createMerchant, createStaff, createTestApp, type Merchant, type TestApp } from '../support/test-app';
import { hasChromium, launchChromium, NO_CHROMIUM_MESSAGE } from './support/browser';
import { hasPhp, NO_PHP_MESSAGE } from './support/php';
import { startStore, type Store } from './support/store';

const ROOT = resolve(import.meta.dirname, '../..');
const SHOTS = [join(ROOT, 'test-results', 'opencart-extension')];
const TZ = 'Europe/Berlin';
/** A real 1×1 PNG, and an error log with credentials in it. */
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4e10000000049454e44ae426082',
  'hex',
);
const LOG_SECRET = 'Db-pass-7781';
const LOG = `[03-Mar-2026 09:12:02 UTC] PDOException: SQLSTATE[HY000] [1045] mysql:host=db;dbname=shop;password=${LOG_SECRET}\n[03-Mar-2026 09:12:03 UTC] PHP Notice: Undefined index: product_id\n`;

let app: TestApp;
let merchant: Merchant;
let staff: { token: string };
let store: Store;
let browser: Browser;
let page: Page;
let ticketId = '';

async function shot(name: string): Promise<void> {
  for (const dir of SHOTS) {
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
  }
}

async function remaining(): Promise<number> {
  const { body } = await app.raw('query { viewer { customer { allowance { remaining } } } }', {}, merchant.token);
  return body.data!.viewer.customer.allowance.remaining;
}

async function staffCall(query: string, variables: Record<string, unknown>) {
  const { body } = await app.raw(query, variables, staff.token);
  if (body.errors?.length) throw new Error(JSON.stringify(body.errors));
  return body.data!;
}

describe.skipIf(!hasPhp || !hasChromium)(!hasPhp ? NO_PHP_MESSAGE : hasChromium ? 'OpenCart module end to end (real API)' : NO_CHROMIUM_MESSAGE, () => {
  beforeAll(async () => {
    const [testApp] = await Promise.all([createTestApp(), buildBundle()]);
    app = testApp;
    merchant = await createMerchant(app);
    staff = await createStaff(app, 'AGENT');
    store = await startStore({ apiUrl: `${app.url}/graphql`, apiKey: merchant.token, timezone: TZ });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });
  afterAll(async () => {
    await browser?.close();
    await store?.stop();
    await app?.close();
  });

  it('shows the settings with the key hidden, and tests the connection', async () => {
    await page.goto(`${store.shellUrl}#settings`);
    await page.locator('#ocsd-settings').waitFor();
    expect(await page.locator('#ocsd-api-key').inputValue()).toBe('');
    expect(await page.locator('#ocsd-api-key').getAttribute('placeholder')).toContain('A key is stored');
    expect(await page.content()).not.toContain(merchant.token);
    await page.locator('#ocsd-test').click();
    await page.getByText('Connected as').waitFor();
    expect(await page.locator('#ocsd-settings-result').textContent()).toMatch(/Connected as Merchant \d+/);
    await page.locator('[data-testid="hours"]').waitFor();
    await shot('settings');
  });

  it('files a ticket with the detected environment and a temporary admin user', async () => {
    await page.goto(`${store.shellUrl}#new`);
    await page.locator('#ocsd-new').waitFor();
    await page.selectOption('#ocsd-category', 'THEME_CUSTOMISATION');
    expect(await page.locator('[data-testid="category-hint"]').textContent()).toContain('quoted and billed separately');
    await page.selectOption('#ocsd-category', 'BUG_FIX');
    expect(await page.locator('[data-testid="category-hint"]').textContent()).toContain('Covered by your support');

    await page.fill('#ocsd-subject', 'Checkout shows a blank page');
    await page.fill('#ocsd-description', 'Hallo, seit dem Update zeigt die Kasse nur eine leere Seite an und wir verlieren Bestellungen.');
    await page.locator('[data-testid="english-notice"] .alert').waitFor();
    await page.fill('#ocsd-description', 'Since the update to 3.0.4.0 the checkout page is blank when a guest pays with PayPal. It worked last week.');
    await expect.poll(() => page.locator('[data-testid="english-notice"] .alert').count()).toBe(0);

    await page.locator('[data-testid="environment-summary"]').getByText('OpenCart 3.0.4.0').waitFor();
    // The long environment tables come after Send: the button is not pushed below them.
    await page.locator('[data-testid="environment"]').waitFor();
    const sendBox = (await page.locator('#ocsd-new button[type="submit"]').boundingBox())!;
    expect(sendBox.y).toBeLessThan((await page.locator('[data-testid="environment"]').boundingBox())!.y);
    expect(await page.locator('[data-testid="environment"]').textContent()).toContain('3.0.4.0');
    expect(await page.locator('[data-testid="environment-json"]').textContent()).toContain('"platform": "NATIVE"');
    expect(await page.locator('[data-testid="access-required"]').textContent()).toContain('FTP or SFTP access');

    const allowanceBefore = await remaining();
    const filed = async () => (await app.raw('query { tickets(first: 5) { totalCount } }', {}, merchant.token)).body.data!.tickets.totalCount;
    const temporaryUsers = () => JSON.parse(readFileSync(join(store.state, 'db.json'), 'utf8')).oc_user.filter((u: any) => u.username.startsWith('ocsupport_'));

    // A temporary admin user without FTP access: refused in the form, before anything is created.
    await page.locator('#ocsd-new button[type="submit"]').click();
    expect(await page.locator('#ocsd-new-errors').textContent()).toMatch(
      /Nothing was sent.*FTP\/SFTP access: enter the host.*enter the username.*enter the password/s,
    );
    expect(await filed()).toBe(0);
    expect(temporaryUsers()).toEqual([]);

    // Complete in the form, refused by the API (a host with a scheme): no ticket, no allowance used,
    // and the temporary user made for it is deleted, not just disabled. No password comes back.
    await page.fill('[name="ftpHost"]', 'ftp://ftp.shop.example.com/public_html');
    await page.fill('[name="ftpUsername"]', 'support');
    await page.fill('[name="ftpPassword"]', 'ftp-secret-123');
    await page.locator('#ocsd-new button[type="submit"]').click();
    await page.getByText('The ticket was not filed').waitFor({ timeout: 15_000 });
    const refused = await page.locator('#ocsd-new-errors').textContent();
    expect(refused).toContain('The ticket was not filed, and nothing was created in your store.');
    expect(refused).toContain('FTP/SFTP access: enter the host as a name or IP address');
    expect(refused).not.toContain('ftp-secret-123');
    expect(refused).not.toMatch(/fileAccess|\$input|Variable/);
    expect(await filed()).toBe(0);
    expect(await remaining()).toBe(allowanceBefore);
    expect(temporaryUsers()).toEqual([]);

    await page.fill('[name="ftpHost"]', 'ftp.shop.example.com');
    // A screenshot goes with the ticket, whatever its name says: the API types it from its bytes.
    await page.setInputFiles('#ocsd-new-files', [{ name: 'checkout.txt', mimeType: 'text/plain', buffer: PNG }]);
    await shot('new-ticket');
    await page.locator('#ocsd-new button[type="submit"]').click();
    await page.locator('.alert-success').waitFor({ timeout: 15_000 });
    const flash = await page.locator('.alert-success').textContent();
    expect(flash).toMatch(/Ticket OC-\d{6} was sent with its store access/);
    // Filed with its access: the message does not ask for it.
    expect(flash).not.toMatch(/Work starts once you provide|Provide it from the ticket page|Access was not sent/);
    expect(await remaining()).toBe(allowanceBefore - 1);

    const { tickets } = (
      await app.raw(
        'query { tickets(first: 5) { edges { node { id number status environment { opencartVersion platform webServer } } } } }',
        {},
        merchant.token,
      )
    ).body.data!;
    expect(tickets.edges).toHaveLength(1);
    const node = tickets.edges[0].node;
    ticketId = node.id;
    expect(node.environment).toMatchObject({ opencartVersion: '3.0.4.0', platform: 'NATIVE', webServer: 'Apache/2.4.62 (Debian)' });
    expect(flash).toContain('temporary admin user');
    // The access went to the vault with the ticket: the ticket no longer waits for it.
    const access = (
      await app.raw(
        'query($id: ID!) { node(id: $id) { ... on Ticket { status accessState access { storeAdmin { username } fileAccess { host } } } } }',
        { id: ticketId },
        merchant.token,
      )
    ).body.data!.node;
    expect(access).toMatchObject({ status: 'OPEN', accessState: 'PROVIDED' });
    expect(access.access.storeAdmin.username).toMatch(/^ocsupport_/);
    const files = (
      await app.raw('query($id: ID!) { node(id: $id) { ... on Ticket { attachments { fileName contentType byteSize } } } }', { id: ticketId }, merchant.token)
    ).body.data!.node;
    expect(files.attachments).toEqual([{ fileName: 'checkout.txt', contentType: 'image/png', byteSize: PNG.length }]);
  });

  it('lists the ticket with its due time in the admin time zone', async () => {
    const detail = (await app.raw('query($id: ID!) { node(id: $id) { ... on Ticket { number firstReplyDueAt } } }', { id: ticketId }, merchant.token)).body
      .data!.node;
    expect(detail.firstReplyDueAt).toBeTruthy();
    await page.goto(`${store.shellUrl}#tickets`);
    await page.reload();
    const row = page.locator(`tr[data-ticket-id="${ticketId}"]`);
    await row.waitFor();
    const text = await row.textContent();
    expect(text).toContain(detail.number);
    expect(text).toContain('Checkout shows a blank page');
    expect(text).toContain(`Reply due: ${formatDateTime(detail.firstReplyDueAt, TZ)}`);
    expect(text).toMatch(/CES?T/);
    expect(await page.locator('[data-testid="allowance"]').textContent()).toMatch(/Tickets left this period: \d+ of \d+/);
    await shot('tickets');
  });

  it("shows support's answer as unread, and the merchant replies from the ticket page", async () => {
    app.setNow(app.now().plus({ minutes: 20 }));
    await staffCall('mutation($input: TicketReplyInput!) { ticketReply(input: $input) { userErrors { message } } }', {
      input: { ticketId, body: 'Thanks, we are looking into the PayPal checkout now.' },
    });
    app.setNow(app.now().plus({ minutes: 40 }));
    await page.reload();
    const row = page.locator(`tr[data-ticket-id="${ticketId}"]`);
    await row.locator('.ocsd-badge-unread').waitFor();
    await row.locator('.ocsd-subject').click();
    await page.locator('[data-testid="conversation"]').waitFor();
    expect(await page.locator('[data-testid="conversation"]').textContent()).toContain('we are looking into the PayPal checkout');
    // The staff author is shown with the team the API names (Premium Support: the development team).
    expect(await page.locator('.ocsd-message-staff [data-testid="author"]').first().textContent()).toMatch(/^\S.* \((Development|Support) team\) · /);

    await page.fill('#ocsd-reply-body', 'Thank you. The error log shows nothing new since Monday.');
    await page.locator('#ocsd-reply button[type="submit"]').click();
    await page.getByText('Your reply was sent.').waitFor();
    expect(await page.locator('[data-testid="conversation"]').textContent()).toContain('The error log shows nothing new since Monday.');
    await shot('ticket');

    const messages = (
      await app.raw(
        'query($id: ID!) { node(id: $id) { ... on Ticket { unreadMessageCount messages(first: 10) { edges { node { body author { kind } } } } } } }',
        { id: ticketId },
        merchant.token,
      )
    ).body.data!.node;
    expect(messages.messages.edges.map((e: any) => e.node.author.kind)).toEqual(['STAFF', 'CUSTOMER']);
    expect(messages.unreadMessageCount).toBe(0);
  });

  it('attaches files to a reply, shows them on the ticket page and downloads them through the store', async () => {
    // Too large for the API: refused in the form, before anything is sent.
    await page.fill('#ocsd-reply-body', 'A log that is far too big.');
    await page.setInputFiles('#ocsd-reply-files', [{ name: 'huge.log', mimeType: 'text/plain', buffer: Buffer.alloc(5 * 1024 * 1024 + 1, 'a') }]);
    await page.locator('#ocsd-reply button[type="submit"]').click();
    await page.getByText('Nothing was sent.').waitFor();
    expect(await page.locator('#ocsd-ticket-messages').textContent()).toContain('huge.log has 5 MB; a file may have at most 5 MB.');

    await page.fill('#ocsd-reply-body', 'Here is the error log and a screenshot.');
    await page.setInputFiles('#ocsd-reply-files', [
      { name: 'error.log', mimeType: 'text/plain', buffer: Buffer.from(LOG) },
      { name: 'screen.png', mimeType: 'image/png', buffer: PNG },
    ]);
    await page.locator('#ocsd-reply button[type="submit"]').click();
    // The page shown after the reply says what was removed from the log.
    await page.locator('.alert-success').getByText('1 credential was removed from error.log before it was stored.').waitFor({ timeout: 15_000 });

    // Listed under the message and under the ticket's description, each with its size.
    const lists = page.locator('[data-testid="attachments"]');
    await expect.poll(() => lists.count()).toBe(2);
    expect(await lists.nth(0).textContent()).toContain('checkout.txt');
    const onReply = (await lists.nth(1).locator('li').allTextContents()).map((text) => text.replace(/\s+/g, ' ').trim());
    expect(onReply).toEqual([expect.stringMatching(/^error\.log \d+ B · 1 credential removed$/), `screen.png ${PNG.length} B`]);

    const save = async (name: string) => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator(`[data-download][data-name="${name}"]`).click()]);
      expect(download.suggestedFilename()).toBe(name);
      return readFileSync((await download.path())!);
    };
    const log = (await save('error.log')).toString('utf8');
    expect(log).toContain('password=[REDACTED]');
    expect(log).toContain('Undefined index: product_id');
    expect(log).not.toContain(LOG_SECRET);
    expect((await save('screen.png')).equals(PNG)).toBe(true);
    // The key stays in the store: the page never holds it.
    expect(await page.content()).not.toContain(merchant.token);
  });

  it("shows support's new reply on the open ticket page without a reload, and keeps the reply being typed", async () => {
    // The page asks for news every TICKET_REFRESH_MS: the test moves the page's clock instead of waiting.
    await page.clock.install();
    await page.reload();
    await page.locator('[data-testid="conversation"]').waitFor();
    const shownAt = page.url();
    await page.fill('#ocsd-reply-body', 'Half-written answer');
    app.setNow(app.now().plus({ minutes: 5 }));
    await staffCall('mutation($input: TicketReplyInput!) { ticketReply(input: $input) { userErrors { message } } }', {
      input: { ticketId, body: 'The theme override is fixed: please try the checkout again.' },
    });
    const conversationText = () => page.locator('[data-testid="conversation"]').textContent();
    expect(await conversationText()).not.toContain('The theme override is fixed');
    await page.clock.runFor(TICKET_REFRESH_MS);
    await expect.poll(conversationText, { timeout: 15_000 }).toContain('The theme override is fixed');
    expect(page.url()).toBe(shownAt);
    expect(await page.inputValue('#ocsd-reply-body')).toBe('Half-written answer');
    // Shown is read: the API no longer counts it as unread.
    await expect
      .poll(
        async () =>
          (await app.raw('query($id: ID!) { node(id: $id) { ... on Ticket { unreadMessageCount } } }', { id: ticketId }, merchant.token)).body.data!.node
            .unreadMessageCount,
        { timeout: 15_000 },
      )
      .toBe(0);
    await page.fill('#ocsd-reply-body', '');
  });

  it('disables the temporary admin user before the page shows the ticket resolved, and tells the API', async () => {
    await staffCall('mutation($input: TicketStatusChangeInput!) { ticketStatusChange(input: $input) { userErrors { message } } }', {
      input: { ticketId, status: 'RESOLVED' },
    });
    // Within the minute the admin-visit clean-up waits between runs: the list itself disables it.
    await page.locator('.ocsd-nav [data-route="tickets"]').click();
    await page.locator('[data-testid="disabled-now"]').waitFor();
    expect(await page.locator('[data-testid="disabled-now"]').textContent()).toMatch(/ocsupport_\w+ of ticket OC-\d{6} was disabled just now/);
    expect(await page.locator('[data-testid="temporary-users"]').count()).toBe(0);
    await page.locator(`tr[data-ticket-id="${ticketId}"] .ocsd-subject`).click();
    await page.locator('[data-testid="conversation"]').waitFor();
    expect(await page.locator('[data-testid="temporary-user"]').count()).toBe(0);
    const after = (await app.raw('query($id: ID!) { node(id: $id) { ... on Ticket { accessDisabledAt } } }', { id: ticketId }, merchant.token)).body.data!.node;
    expect(after.accessDisabledAt).toBeTruthy();
    const db = JSON.parse(readFileSync(join(store.state, 'db.json'), 'utf8'));
    expect(db.oc_user.filter((u: any) => u.username.startsWith('ocsupport_')).map((u: any) => u.status)).toEqual(['0']);
  });

  it('shows what the desk told about the account (not a ticket) on the tickets list once, and it is read then', async () => {
    // The desk's relay turns events into the merchant's notifications; a refund decision belongs to no ticket.
    const events = await startEventRuntime({
      orm: app.orm,
      logger: createLogger('silent'),
      clock: () => app.now(),
      relayEnabled: true,
      mail: { smtpUrl: null, from: 'Desk <desk@support.test>', ticketUrlTemplate: 'https://desk.example.com/t/{number}' },
    });
    try {
      const customerId = fromGlobalId(merchant.customerId)!.id;
      await app.orm.em
        .fork()
        .transactional((em) =>
          new DomainEvents(() => app.now()).publish(em, customerEvent(DomainEventType.REFUND_DECIDED, customerId, 'system', { decision: 'REJECTED' })),
        );
      await events.relay.drain();
      const unreadAboutAccount = async () => {
        const { body } = await app.raw('{ viewer { notifications(first: 50, unreadOnly: true) { nodes { ticketNumber } } } }', {}, merchant.token);
        return (body.data!.viewer.notifications.nodes as Array<{ ticketNumber: string | null }>).filter((n) => n.ticketNumber === null).length;
      };
      expect(await unreadAboutAccount()).toBe(1);

      await page.locator('.ocsd-nav [data-route="tickets"]').click();
      await page.locator('[data-testid="account-notices"]').waitFor();
      const shown = await page.locator('[data-testid="account-notices"]').textContent();
      expect(shown).toContain('Refund rejected');
      expect(shown).toContain('Your refund request was rejected.');
      expect(await unreadAboutAccount()).toBe(0);
      await shot('account-notices');

      // Read: the next time the list is shown, it is not there again.
      await page.locator(`tr[data-ticket-id="${ticketId}"] .ocsd-subject`).click();
      await page.locator('[data-testid="conversation"]').waitFor();
      await page.locator('.ocsd-nav [data-route="tickets"]').click();
      await page.locator('[data-testid="tickets"]').waitFor();
      expect(await page.locator('[data-testid="account-notices"]').count()).toBe(0);
    } finally {
      await events.stop();
    }
  });
});
