import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTestsEnabled, launchChromium } from '../support/chromium';
import { createLogger } from '../../server/app/logger';
import { DomainEventType } from '../../server/modules/events/domain-event';
import { DomainEvents } from '../../server/modules/events/domain-events';
import { LiveHub } from '../../server/modules/live/live-hub';
import { createMerchant, createTestApp, type TestApp } from '../support/test-app';

const enabled = browserTestsEnabled();

describe.runIf(enabled)('the GraphQL playground in a real browser', () => {
  let app: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    app = await createTestApp();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('loads offline from our own server, runs a query with a staff token and shows the result', async () => {
    const page = await browser.newPage();
    const foreign: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.origin !== new URL(app.url).origin && url.protocol !== 'data:') foreign.push(request.url());
    });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));

    await page.goto(`${app.url}/graphql`);
    await page.waitForSelector('.graphiql-container', { timeout: 20_000 });

    // Replace the default query and put the admin token in the headers editor, as staff would.
    const query = '{ viewer { kind staffMember { name } } plans { name } }';
    await setEditor(page, '.graphiql-query-editor', query);
    // The playground opens with the Headers tab showing, where staff paste their token.
    await page.locator('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror').click();
    await page.keyboard.type(`{"Authorization": "Bearer ${app.adminToken}"`);
    await page.click('.graphiql-execute-button');

    const result = page.locator('.result-window');
    await expect.poll(async () => (await result.textContent()) ?? '', { timeout: 15_000 }).toContain('ADMIN');
    const text = (await result.textContent()) ?? '';
    expect(text).toContain('Administrator');
    expect(text).toContain('Premium Support');
    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('runs a subscription over WebSocket with the token of the Headers tab and shows what arrives', async () => {
    const hub = new LiveHub({ orm: app.orm, logger: createLogger('silent') });
    await hub.start();
    const live = await app.serveAlso({ live: hub });
    try {
      const merchant = await createMerchant(app);
      const filed = await merchant.sdk.TicketCreate({
        input: { subject: 'Blank checkout', description: 'The checkout stays blank.', category: 'BUG_FIX' as never },
      });
      const ticketId = filed.ticketCreate.ticket!.id;
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${live.url}/graphql`);
      await page.waitForSelector('.graphiql-container', { timeout: 20_000 });
      await setEditor(page, '.graphiql-query-editor', `subscription Live { ticketEvents(ticketId: "${ticketId}") { type data } }`);
      await page.locator('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror').click();
      await page.keyboard.type(`{"Authorization": "Bearer ${merchant.token}"`);
      await page.click('.graphiql-execute-button');

      // The subscription starts asynchronously: publish until the page shows one.
      const events = new DomainEvents(() => app.now());
      const [rawTicket, rawCustomer] = [ticketId, merchant.customerId].map((id) => Buffer.from(id, 'base64url').toString().split(':')[1]!);
      const result = page.locator('.result-window');
      await expect
        .poll(
          async () => {
            await app.orm.em.fork().transactional((tx) =>
              events.publish(tx, {
                type: DomainEventType.STAFF_REPLIED,
                ticketId: rawTicket!,
                customerId: rawCustomer!,
                team: 'DEVELOPMENT',
                actor: { kind: 'STAFF', id: null },
                staffOnly: false,
                data: { messageId: 'from-staff' },
              }),
            );
            return (await result.textContent()) ?? '';
          },
          { timeout: 20_000, interval: 500 },
        )
        .toContain('from-staff');
      expect((await result.textContent()) ?? '').toContain('STAFF_REPLIED');
      expect(errors).toEqual([]);
    } finally {
      await live.stop();
      await hub.stop();
    }
  });
});

/** GraphiQL's editors are CodeMirror instances: set their value the way a paste would. */
async function setEditor(page: import('playwright-core').Page, selector: string, value: string): Promise<void> {
  await page.evaluate(
    ({ selector, value }) => {
      const visible = [...document.querySelectorAll(`${selector} .CodeMirror`)].find((el) => (el as HTMLElement).offsetParent !== null);
      const cm = (visible as unknown as { CodeMirror?: { setValue(v: string): void } } | undefined)?.CodeMirror;
      if (!cm) throw new Error(`no editor at ${selector}`);
      cm.setValue(value);
    },
    { selector, value },
  );
}
