// The module's real OpenCart controllers (3.0 and 4.x), run by PHP on stand-ins for OpenCart's
// registry objects (test/extension/php/controller.php) against a canned API: the admin-visit event
// cleans up while the module is disabled, 4.x detects login security, uninstall tells the API
// with the endpoint and key OpenCart has already deleted from the settings table, the store's own
// errors are answered as JSON, and another admin language gets the English texts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { MockApi } from './support/mock-api';
import { hasPhp, NO_PHP_MESSAGE, PHP_DIR, runPhpJson } from './support/php';

const api = new MockApi({
  TicketState: (v) => ({ node: { id: v.id, status: v.id.endsWith('-DONE') ? 'RESOLVED' : 'OPEN', disableAccessRequested: false } }),
  TicketAccessDisabledConfirm: (v) => ({
    ticketAccessDisabledConfirm: { ticket: { id: v.input.ticketId, accessDisabledAt: '2026-01-06T00:00:00Z' }, userErrors: [] },
  }),
});

const out: Record<string, any> = {};

describe.skipIf(!hasPhp)(hasPhp ? 'OpenCart controllers (PHP)' : NO_PHP_MESSAGE, () => {
  beforeAll(async () => {
    await api.start();
    const [c3, c4] = await Promise.all([
      runPhpJson([join(PHP_DIR, 'controller.php'), '3.0', api.url]),
      runPhpJson([join(PHP_DIR, 'controller.php'), '4.x', api.url]),
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
