// The module's real OpenCart controllers (3.0 and 4.x), run by PHP on stand-ins for OpenCart's
// registry objects (test/extension/php/controller.php) against a canned API: the admin-visit event
// cleans up while the module is disabled, 4.x detects login security, uninstall tells the API
// with the endpoint and key OpenCart has already deleted from the settings table, the store's own
// errors are answered as JSON, and another admin language gets the English texts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { closedPortUrl, MockApi, raw } from './support/mock-api';
import { hasPhp, NO_PHP_MESSAGE, PHP_DIR, runPhpJson } from './support/php';

const api = new MockApi({
  TicketState: (v) => ({ node: { id: v.id, status: v.id.endsWith('-DONE') ? 'RESOLVED' : 'OPEN', disableAccessRequested: false } }),
  TicketAccessDisabledConfirm: (v) => ({
    ticketAccessDisabledConfirm: { ticket: { id: v.input.ticketId, accessDisabledAt: '2026-01-06T00:00:00Z' }, userErrors: [] },
  }),
  NotificationUnreadCount: (_, path) => (path.startsWith('/down') ? raw('Bad gateway', 502) : { viewer: { notifications: { unreadCount: 3 } } }),
  NotificationsReadForTicket: () => ({ notificationMarkAllRead: { unreadCount: 0, userErrors: [] } }),
  AccountNotices: () => ({
    viewer: {
      notifications: {
        nodes: [
          { id: 'N-TICKET', title: 'OC-000001: support replied', body: 'Support replied.', ticketNumber: 'OC-000001', occurredAt: '2026-01-06T10:00:00.000Z' },
          { id: 'N-REFUND', title: 'Refund approved', body: 'Your refund request was approved.', ticketNumber: null, occurredAt: '2026-01-06T09:00:00.000Z' },
        ],
      },
    },
  }),
  NotificationsMarkRead: () => ({ notificationMarkRead: { unreadCount: 1, userErrors: [] } }),
});

/** What the menu event asked of the API for one line (each line uses its own key). */
const menuCalls = (prefix: string, operation = 'NotificationUnreadCount') =>
  api.calls(operation).filter((c) => c.authorization?.startsWith(`Bearer key-good-menu-${prefix}`));

const out: Record<string, any> = {};

describe.skipIf(!hasPhp)(hasPhp ? 'OpenCart controllers (PHP)' : NO_PHP_MESSAGE, () => {
  beforeAll(async () => {
    await api.start();
    const closed = await closedPortUrl();
    const [c3, c4] = await Promise.all([
      runPhpJson([join(PHP_DIR, 'controller.php'), '3.0', api.url, closed]),
      runPhpJson([join(PHP_DIR, 'controller.php'), '4.x', api.url, closed]),
    ]);
    out['3.0'] = c3;
    out['4.x'] = c4;
  });
  afterAll(() => api.stop());

  describe.each([
    ['3.0', 'C3'],
    ['4.x', 'C4'],
  ])('OpenCart %s', (line, prefix) => {
    it('installs switched off, with the header event', () => {
      const i = out[line].install;
      expect(i.table).toBe(true);
      expect(i.settings).toMatchObject({ module_oc_support_desk_status: '0' });
      expect(i.events).toEqual([expect.objectContaining({ code: 'oc_support_desk', trigger: 'admin/controller/common/header/before' })]);
    });

    it('disables the temporary user of a resolved ticket on an admin visit although the module is disabled', () => {
      const v = out[line].visit;
      expect(v.users).toEqual(['admin:1', expect.stringMatching(/^ocsupport_1_[0-9a-f]{4}:0$/)]);
      expect(v.rows[0]).toMatchObject({ ticket_id: `${prefix}-DONE`, confirmed_at: expect.any(String) });
      expect(v.log).toEqual([]);
      expect(api.calls('TicketAccessDisabledConfirm').map((c) => c.variables.input.ticketId)).toContain(`${prefix}-DONE`);
    });

    it('the header event adds the menu event for the page; the menu shows the module after the dashboard with its unread count', () => {
      const route = line === '3.0' ? 'extension/module/oc_support_desk/onMenu' : 'extension/oc_support_desk/module/oc_support_desk.onMenu';
      expect(out[line].menuEvent).toEqual([{ trigger: 'view/common/column_left/before', action: route }]);
      const m = out[line].menu;
      const badge = line === '3.0' ? 'label label-danger' : 'badge bg-danger';
      const entry = {
        id: 'menu-oc-support-desk',
        icon: line === '3.0' ? 'fa-life-ring' : 'fa-solid fa-life-ring',
        name: `Support Desk <span class="${badge}" id="oc-support-desk-unread" title="3 unread">3</span>`,
        href: `https://shop.example.com/admin/index.php?route=${line === '3.0' ? 'extension/module/oc_support_desk' : 'extension/oc_support_desk/module/oc_support_desk'}&amp;user_token=tok`,
        children: [],
      };
      expect(m.enabled).toEqual(['menu-dashboard', entry, 'menu-catalog']);
      // The next page shows the kept count: one call for both pages.
      expect(m.again).toEqual(m.enabled);
      expect(menuCalls(prefix).filter((c) => c.path === '/graphql' && c.authorization === `Bearer key-good-menu-${prefix}`)).toHaveLength(1);
      expect(menuCalls(prefix)[0]!.variables).toEqual({});
    });

    it('no menu entry while the module is switched off, nor for an admin without access to it', () => {
      const m = out[line].menu;
      expect(m.disabled).toEqual(['menu-dashboard', 'menu-catalog']);
      expect(m.noAccess).toEqual(['menu-dashboard', 'menu-catalog']);
    });

    it('opening a ticket marks its notifications read and the menu shows the new count at once, without asking again', () => {
      const m = out[line].menu;
      expect(m.read).toEqual({ status: 200, body: { ok: true, unreadCount: 0, errors: [] } });
      expect(menuCalls(prefix, 'NotificationsReadForTicket').map((c) => c.variables)).toEqual([{ ticketId: `${prefix}-T1` }]);
      expect(m.afterRead[1]).toMatchObject({ id: 'menu-oc-support-desk', name: 'Support Desk' });
      // Another key: the count kept for the old one is not shown, the API is asked.
      expect(m.otherKey[1].name).toContain('>3</span>');
      expect(menuCalls(prefix).filter((c) => c.authorization === `Bearer key-good-menu-${prefix}-new`)).toHaveLength(1);
    });

    it("showing the tickets list reads the account's notices (not a ticket's) and the menu shows the new count at once", () => {
      const m = out[line].menu;
      expect(m.account).toEqual({
        status: 200,
        body: {
          ok: true,
          notices: [{ id: 'N-REFUND', title: 'Refund approved', body: 'Your refund request was approved.', occurredAt: '2026-01-06T09:00:00.000Z' }],
          unreadCount: 1,
          errors: [],
        },
      });
      expect(menuCalls(prefix, 'NotificationsMarkRead').map((c) => c.variables)).toEqual([{ ids: ['N-REFUND'] }]);
      expect(m.afterAccount[1]).toMatchObject({ id: 'menu-oc-support-desk' });
      expect(m.afterAccount[1].name).toContain('>1</span>');
    });

    it('an API that refuses the key, fails, cannot be reached or does not answer in time: the menu without a count, nothing logged, no second try on the next page', () => {
      const m = out[line].menu;
      for (const name of ['refused', 'failing', 'unreachable', 'slow']) {
        expect(m[name], name).toEqual([
          ['menu-dashboard', expect.objectContaining({ name: 'Support Desk' }), 'menu-catalog'],
          ['menu-dashboard', expect.objectContaining({ name: 'Support Desk' }), 'menu-catalog'],
        ]);
      }
      expect(api.calls('NotificationUnreadCount').filter((c) => c.authorization === 'Bearer key-revoked' && c.path === '/graphql').length).toBeGreaterThan(0);
      expect(menuCalls(prefix).filter((c) => c.path === '/down/graphql' && c.authorization === `Bearer key-good-menu-${prefix}`)).toHaveLength(1);
      expect(m.log).toEqual([]);
    });

    it('an admin page waits 2 s at most for the count; a count is kept 30 s, a failure 60 s', () => {
      const { counted, failed } = out[line].menu.clock;
      expect(counted.asked).toEqual([
        { at: 0, count: 3, asked: true },
        { at: 29, count: 3, asked: false },
        { at: 30, count: 3, asked: true },
        { at: 59, count: 3, asked: false },
        { at: 60, count: 3, asked: true },
        { at: 90, count: 3, asked: true },
      ]);
      expect(failed.asked).toEqual([
        { at: 0, count: null, asked: true },
        { at: 29, count: null, asked: false },
        { at: 30, count: null, asked: false },
        { at: 59, count: null, asked: false },
        { at: 60, count: null, asked: true },
        { at: 90, count: null, asked: false },
      ]);
      expect([...counted.timeouts, ...failed.timeouts]).toEqual([2, 2, 2, 2, 2, 2]);
    });

    it("answers the store's own errors as JSON (a 500 with a clear message) and writes the details to OpenCart's log", () => {
      const e = out[line].storeErrors;
      for (const answer of [e.db, e.setup]) {
        expect(answer).toEqual({
          status: 500,
          body: { ok: false, error: { code: 'INTERNAL', message: expect.stringMatching(/^Your store ran into an error.*error log/) } },
        });
      }
      expect(e.log).toEqual([
        expect.stringMatching(/^OpenCart Support Desk \(bootstrap\): Exception: Error: MySQL server has gone away.*oc_support_desk_access/),
        expect.stringMatching(/^OpenCart Support Desk \(bootstrap\): Exception: .*oc_setting/),
      ]);
    });

    it('shows its page and messages in English when the admin language has no texts for the module', () => {
      expect(out[line].otherLanguage).toEqual({
        title: 'OpenCart Support Desk',
        heading: 'OpenCart Support Desk',
        loading: 'Loading the support desk…',
        breadcrumbs: ['Home', 'Extensions', 'OpenCart Support Desk'],
        expired: { ok: false, error: { code: 'TOKEN', message: 'Your admin session has expired. Please reload the page and log in again.' } },
      });
    });

    it('uninstalls with the endpoint and key from the config (OpenCart deleted the settings first): tells the API, deletes the users', () => {
      const u = out[line].uninstall;
      expect(u).toMatchObject({ users: ['admin:1'], tableDropped: true, events: [], groups: ['Administrator'], log: [] });
      expect(api.calls('TicketAccessDisabledConfirm').map((c) => c.variables.input.ticketId)).toContain(`${prefix}-OPEN`);
    });
  });

  it('4.x: no temporary user when login security (config_security) or 2FA (config_user_2fa) is on', () => {
    const b = out['4.x'].bootstrap;
    expect(b.off).toEqual({ available: true, message: null });
    expect(b.config_security).toMatchObject({ available: false, message: expect.stringMatching(/"config_security".*own admin login/s) });
    expect(b.config_user_2fa).toMatchObject({ available: false, message: expect.stringMatching(/"config_user_2fa"/) });
  });

  it('3.0 has no such setting: a temporary user is always available', () => {
    const b = out['3.0'].bootstrap;
    expect(b.off).toEqual({ available: true, message: null });
    expect(b.config_security).toEqual({ available: true, message: null });
  });
});
