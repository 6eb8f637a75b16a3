// The built bundle in its shell page, in headless Chromium, with the module's JSON endpoint run by
// real PHP against a canned API: strings from the API are shown as text, never run as markup.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { buildBundle } from '../../opencart-extension/scripts/pack';
import { hasChromium, launchChromium, NO_CHROMIUM_MESSAGE } from './support/browser';
import { MockApi } from './support/mock-api';
import { hasPhp, NO_PHP_MESSAGE } from './support/php';
import { startStore, type Store } from './support/store';

const XSS_SUBJECT = '<img src=x onerror="window.__pwned=1">Checkout <b>broken</b>';
const XSS_BODY = '<script>window.__pwned=2</script>Please check <a href="javascript:alert(1)">this</a>';

const ticket = {
  id: 'VGlja2V0OjE=',
  number: 'OC-000777',
  subject: XSS_SUBJECT,
  status: 'OPEN',
  category: 'BUG_FIX',
  coverage: 'COVERED',
  createdAt: '2026-03-02T08:00:00.000Z',
  firstReplyDueAt: '2026-03-02T14:30:00.000Z',
  resolutionDueAt: null,
  unreadMessageCount: 1,
};

const api = new MockApi({
  Viewer: () => ({
    viewer: {
      kind: 'CUSTOMER',
      customer: {
        id: 'C1',
        name: '<i>Ada</i>',
        email: 'a@x',
        allowance: { used: 1, limit: 10, remaining: 9, renewsAt: null, periodEnd: '2026-04-01T00:00:00Z' },
        subscriptions: { edges: [] },
      },
    },
  }),
  SupportHours: () => ({
    supportHours: {
      open: false,
      nextOpensAt: '2026-03-03T08:00:00Z',
      nextClosesAt: '2026-03-03T17:00:00Z',
      zone: 'Europe/Berlin',
      nextHoliday: { name: '<b>Holiday</b>', date: '2026-05-25' },
    },
  }),
  TicketList: () => ({ tickets: { edges: [{ cursor: 'c1', node: ticket }], pageInfo: { hasNextPage: false, endCursor: 'c1' }, totalCount: 1 } }),
  TicketDetail: () => ({
    node: {
      ...ticket,
      __typename: 'Ticket',
      description: XSS_BODY,
      accessState: 'PROVIDED',
      accessDisabledAt: null,
      quote: { price: { formatted: '$<u>90</u>' }, note: '<script>x</script>', status: 'PENDING' },
      portReview: null,
      messages: {
        edges: [
          { node: { id: 'M1', body: XSS_BODY, createdAt: '2026-03-02T09:00:00Z', author: { displayName: '<b>Staff</b>', kind: 'STAFF', team: null } } },
          {
            node: {
              id: 'M2',
              body: 'Fixed in the theme.',
              createdAt: '2026-03-02T10:00:00Z',
              author: { displayName: 'Dana', kind: 'STAFF', team: 'DEVELOPMENT' },
            },
          },
        ],
      },
    },
  }),
  TicketMarkRead: () => ({ ticketMarkRead: { ticket: { id: ticket.id, unreadMessageCount: 0 }, userErrors: [] } }),
});

let browser: Browser;
let store: Store;
let secureStore: Store;
let page: Page;

describe.skipIf(!hasPhp || !hasChromium)(!hasPhp ? NO_PHP_MESSAGE : hasChromium ? 'module UI in Chromium (canned API)' : NO_CHROMIUM_MESSAGE, () => {
  beforeAll(async () => {
    await Promise.all([buildBundle(), api.start()]);
    store = await startStore({ apiUrl: `${api.url}/graphql`, apiKey: 'key-good-canned-0000', timezone: 'Europe/Berlin' });
    secureStore = await startStore({
      apiUrl: `${api.url}/graphql`,
      apiKey: 'key-good-canned-0000',
      timezone: 'Europe/Berlin',
      version: '4.0.2.3',
      loginSecurity: 'config_security',
    });
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('dialog', (d) => void d.dismiss());
  });
  afterAll(async () => {
    await browser?.close();
    await store?.stop();
    await secureStore?.stop();
    await api.stop();
  });

  it('shows a ticket subject with markup as text in the list, and runs none of it', async () => {
    await page.goto(store.shellUrl);
    const row = page.locator('tr[data-ticket-id]');
    await row.waitFor();
    expect(await row.locator('.ocsd-subject').textContent()).toBe(XSS_SUBJECT);
    expect(await page.locator('#oc-support-desk img, #oc-support-desk b').count()).toBe(0);
    expect(await row.textContent()).toContain('Reply due: Mon, 2 Mar 2026, 15:30 CET');
    await page.locator('[data-testid="hours"]').waitFor();
    expect(await page.locator('#ocsd-hours').textContent()).toContain('<b>Holiday</b>');
    expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
  });

  it("moves between its views by clicking, under the <base href> of OpenCart's admin header, without leaving the page", async () => {
    // The stand-in answers an address without the session's token with the login page, as OpenCart does.
    await page.goto(`${store.url}/admin/#new`);
    expect(await page.content()).toContain('Please enter your login details');

    await page.goto(store.shellUrl);
    await page.locator('tr[data-ticket-id]').waitFor();
    expect(await page.evaluate(() => document.querySelector('base')?.href)).toBe(`${store.url}/admin/`);
    await page.evaluate(() => ((window as any).__samePage = true));
    const views: string[] = [];
    const visit = async (click: () => Promise<void>, shown: string) => {
      await click();
      await page.locator(shown).first().waitFor();
      expect(page.url().split('#')[0]).toBe(store.shellUrl);
      views.push(new URL(page.url()).hash);
    };
    await visit(() => page.locator('.ocsd-nav [data-route="new"]').click(), '#ocsd-new');
    await visit(() => page.locator('.ocsd-nav [data-route="settings"]').click(), '#ocsd-settings');
    await visit(() => page.locator('.ocsd-nav [data-route="tickets"]').click(), 'tr[data-ticket-id]');
    await visit(() => page.locator('.ocsd-toolbar a', { hasText: 'New ticket' }).click(), '#ocsd-new');
    await visit(() => page.locator('.ocsd-nav [data-route="tickets"]').click(), 'tr[data-ticket-id]');
    await visit(() => page.locator('.ocsd-subject').click(), '[data-testid="conversation"]');
    await visit(() => page.getByText('← All tickets').click(), 'tr[data-ticket-id]');
    expect(views).toEqual(['#new', '#settings', '#tickets', '#new', '#tickets', `#ticket/${encodeURIComponent(ticket.id)}`, '#tickets']);
    // Hash changes only: the page was never loaded again.
    expect(await page.evaluate(() => (window as any).__samePage)).toBe(true);
    expect(await page.content()).not.toContain('Please enter your login details');
  });

  it('shows the view clicked last when an earlier one answers late', async () => {
    await page.goto(`${store.shellUrl}#settings`);
    await page.locator('#ocsd-settings').waitFor();
    let requested!: () => void;
    let release!: () => void;
    const listRequested = new Promise<void>((r) => (requested = r));
    const released = new Promise<void>((r) => (release = r));
    const isList = (body: string | null) => body?.includes('"TicketList"') ?? false;
    await page.route(`${store.url}/**`, async (route) => {
      if (isList(route.request().postData())) {
        requested();
        await released;
      }
      await route.fallback();
    });
    try {
      await page.locator('.ocsd-nav [data-route="tickets"]').click();
      await listRequested;
      await page.locator('.ocsd-nav [data-route="settings"]').click();
      await page.locator('#ocsd-settings').waitFor();
      const answered = page.waitForResponse((response) => isList(response.request().postData()));
      release();
      await answered;
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      expect(await page.locator('#ocsd-settings').isVisible()).toBe(true);
      expect(await page.locator('[data-testid="tickets"]').count()).toBe(0);
    } finally {
      await page.unroute(`${store.url}/**`);
    }
    await page.locator('.ocsd-nav [data-route="tickets"]').click();
    await page.locator('tr[data-ticket-id]').waitFor();
  });

  it('shows the conversation, quote and author as text on the ticket page', async () => {
    const markedBefore = api.calls('TicketMarkRead').length;
    await page.locator('.ocsd-subject').click();
    await page.locator('[data-testid="conversation"]').waitFor();
    expect(await page.locator('[data-testid="ticket-title"]').textContent()).toBe(`OC-000777: ${XSS_SUBJECT}`);
    const conversation = await page.locator('[data-testid="conversation"]').textContent();
    expect(conversation).toContain('<script>window.__pwned=2</script>Please check <a href="javascript:alert(1)">this</a>');
    expect(conversation).toContain('<b>Staff</b>');
    expect(await page.locator('#oc-support-desk script, #oc-support-desk a[href^="javascript"], #oc-support-desk u').count()).toBe(0);
    expect(await page.locator('[data-testid="quote"]').textContent()).toContain('$<u>90</u>');
    // Premium Support's promise: the merchant sees which team answers.
    expect(await page.locator('[data-testid="author"]').allTextContents()).toEqual([
      expect.stringMatching(/^<b>Staff<\/b> · /),
      expect.stringMatching(/^Dana \(Development team\) · /),
    ]);
    expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
    // Opening the ticket marked its replies read.
    await expect.poll(() => api.calls('TicketMarkRead').length).toBe(markedBefore + 1);
  });

  it("keeps the settings form inside the page's content area under Bootstrap 3 (OpenCart 3.0's admin styles)", async () => {
    await page.goto(store.shellUrl);
    await page.locator('.ocsd-nav [data-route="settings"]').click();
    await page.locator('#ocsd-settings').waitFor();
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('.form-control')!).display)).toBe('block');
    const area = (await page.locator('#oc-support-desk').boundingBox())!;
    for (const box of await page
      .locator('#ocsd-settings .form-group, #ocsd-settings .form-check, #ocsd-settings .checkbox')
      .evaluateAll((els) => els.map((el) => el.getBoundingClientRect().toJSON() as { left: number; right: number }))) {
      expect(box.left).toBeGreaterThanOrEqual(area.x);
      expect(box.right).toBeLessThanOrEqual(area.x + area.width);
    }
  });

  it('does not test another endpoint with the stored key', async () => {
    await page.goto(`${store.shellUrl}#settings`);
    await page.locator('#ocsd-settings').waitFor();
    const viewerCalls = api.calls('Viewer').length;
    await page.fill('#ocsd-endpoint', 'https://attacker.example/graphql');
    await page.locator('#ocsd-test').click();
    expect(await page.locator('#ocsd-settings-result').textContent()).toContain('Enter your merchant API key to test another endpoint');
    const response = await fetch(`${store.url}/admin/index.php?route=extension/module/oc_support_desk/api&user_token=${store.token}&action=settings.test`, {
      method: 'POST',
      body: JSON.stringify({ endpoint: 'https://attacker.example/graphql' }),
    });
    expect(await response.json()).toMatchObject({ ok: false, error: { code: 'API_KEY_REQUIRED' } });
    expect(api.calls('Viewer').length).toBe(viewerCalls);
  });

  it('warns in the new-ticket form when login security would lock a temporary user out, and offers the own login instead', async () => {
    await page.goto(`${secureStore.shellUrl}#new`);
    await page.locator('#ocsd-new').waitFor();
    expect(await page.locator('[data-testid="login-security"]').textContent()).toMatch(/cannot be used on this store.*config_security.*own admin login/s);
    expect(await page.locator('input[name="adminMode"][value="temporary"]').isDisabled()).toBe(true);
    expect(await page.locator('input[name="adminMode"][value="manual"]').isChecked()).toBe(true);
  });

  it('refuses the endpoint without the admin token', async () => {
    const response = await fetch(`${store.url}/admin/index.php?route=extension/module/oc_support_desk/api&user_token=wrong&action=bootstrap`, {
      method: 'POST',
      body: '{}',
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ ok: false, error: { code: 'TOKEN' } });
  });
});
