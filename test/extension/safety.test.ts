// The module's safety rules, run by real PHP (test/extension/php/safety.php) against a canned API:
// the stored API key only goes to the stored endpoint; temporary admin users are disabled whatever
// the module's status, when their ticket is replaced, gone or too old, and on uninstall (which
// leaves no user behind); no temporary user where OpenCart's login security would lock it out;
// secrets are removed from the error log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { cannedTicket as ticket, closedPortUrl, MockApi, raw } from './support/mock-api';
import { hasPhp, NO_PHP_MESSAGE, PHP_DIR, runPhpJson } from './support/php';

const RESOLVED = new Set(['S-DONE', 'N-DONE-3.0.4.0', 'N-DONE-4.0.2.3']);
// Tickets whose access the API no longer holds: it refuses the confirmation (INVALID_TRANSITION).
const STILL_OPEN = /^(A-OLD|A-YOUNG|N-OPEN|N-ADMIN)/;
const KEEP_ACCESS = 'Keep the access until the ticket is resolved: we still need it.';
const replays = new Map<string, number>();

const api = new MockApi({
  Viewer: () => ({ viewer: { kind: 'CUSTOMER', customer: null } }),
  TicketCreate: (v) => {
    const key: string | undefined = v.input.idempotencyKey;
    if (key === 'idem-access-down') return raw('upstream unavailable', 500);
    const id = key === 'idem-replay-0001' ? 'R-REPLAY' : 'L-NEW';
    const seen = key ? (replays.get(key) ?? 0) : 0;
    if (key) replays.set(key, seen + 1);
    const notices = seen > 0 ? [{ code: 'IDEMPOTENT_REPLAY', message: `This submission was already received as OC-${id}.` }] : [];
    return { ticketCreate: { ticket: ticket(id), notices, userErrors: [] } };
  },
  TicketAccessProvide: (v) =>
    v.input.ticketId === 'F-DOWN'
      ? raw('upstream unavailable', 500)
      : { ticketAccessProvide: { ticket: { id: v.input.ticketId, status: 'OPEN', accessState: 'PROVIDED' }, userErrors: [] } },
  TicketState: (v) => {
    if (v.id === 'A-GONE') return { node: null };
    if (v.id === 'A-NOTFOUND') return raw({ data: { node: null }, errors: [{ message: 'No ticket with this ID.', extensions: { code: 'NOT_FOUND' } }] });
    if (v.id === 'A-BROKEN') return raw({ data: { node: null }, errors: [{ message: 'Database unavailable', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
    return { node: { id: v.id, status: RESOLVED.has(v.id) ? 'RESOLVED' : 'OPEN', disableAccessRequested: false } };
  },
  TicketAccessDisabledConfirm: (v) => {
    const id: string = v.input.ticketId;
    if (id === 'A-GONE' || id === 'A-NOTFOUND') {
      return {
        ticketAccessDisabledConfirm: { ticket: null, userErrors: [{ field: ['input', 'ticketId'], message: 'No ticket with this ID.', code: 'NOT_FOUND' }] },
      };
    }
    if (STILL_OPEN.test(id)) {
      return {
        ticketAccessDisabledConfirm: { ticket: null, userErrors: [{ field: ['input', 'ticketId'], message: KEEP_ACCESS, code: 'INVALID_TRANSITION' }] },
      };
    }
    return { ticketAccessDisabledConfirm: { ticket: { id, accessDisabledAt: '2026-01-06T00:00:00Z' }, userErrors: [] } };
  },
});

let out: any;
const temporary = /^ocsupport_/;

describe.skipIf(!hasPhp)(hasPhp ? 'module safety rules (PHP)' : NO_PHP_MESSAGE, () => {
  beforeAll(async () => {
    await api.start();
    out = await runPhpJson([join(PHP_DIR, 'safety.php'), api.url, await closedPortUrl()], { timeoutMs: 60_000 });
  });
  afterAll(() => api.stop());

  describe('the stored API key goes to the stored endpoint only', () => {
    it('testing the connection needs "modify" permission', () => {
      expect(out.key.testWithoutModify).toMatchObject({ status: 403, body: { ok: false, error: { code: 'PERMISSION' } } });
    });

    it('another endpoint is tested only with a key typed for it, never with the stored one', () => {
      expect(out.key.testOtherEndpointNoKey).toMatchObject({ status: 422, body: { error: { code: 'API_KEY_REQUIRED' } } });
      expect(out.key.testOtherEndpointTypedKey).toMatchObject({ status: 200, body: { ok: true } });
      expect(out.key.testStoredEndpoint).toMatchObject({ status: 200, body: { ok: true } });
      const calls = out.key.calls as Array<{ url: string; authorization: string }>;
      expect(calls.map((c) => `${c.url} ${c.authorization}`)).toEqual([
        'https://other.example/graphql Bearer typed-key-for-other',
        'https://support.example.com/graphql Bearer stored-key-0123456789abcdef',
      ]);
      expect(calls.some((c) => c.url.includes('attacker'))).toBe(false);
    });

    it('refuses plain http:// except to localhost or 127.0.0.1, and says so', () => {
      for (const refused of [out.key.testPlainHttp, out.key.savePlainHttp]) {
        expect(refused).toMatchObject({ status: 422, body: { error: { code: 'INVALID_ENDPOINT' } } });
        expect(refused.body.error.message).toMatch(/https:\/\/.*plain http:\/\/ is accepted only for localhost or 127\.0\.0\.1/i);
      }
      expect(out.key.saveLocalHttp).toMatchObject({ status: 200 });
      expect(out.key.keyAfterLocalSave).toBe('stored-key-0123456789abcdef');
    });

    it('saving another endpoint without a key clears the stored key, and tells the merchant', () => {
      expect(out.key.saveSameEndpoint.body.notice).toBeNull();
      expect(out.key.keyAfterSameSave).toBe('stored-key-0123456789abcdef');
      expect(out.key.saveOtherEndpoint).toMatchObject({ status: 200, body: { settings: { endpoint: 'https://attacker.example/x', hasApiKey: false } } });
      expect(out.key.saveOtherEndpoint.body.notice).toMatch(/stored API key was removed/);
      expect(out.key.keyAfterOtherSave).toBe('');
      expect(out.key.viewerAfterOtherSave).toMatchObject({ status: 409, body: { error: { code: 'NOT_CONFIGURED' } } });
    });
  });

  describe("temporary admin users are disabled whatever the module's status", () => {
    it('the admin-visit sweep runs while the module is disabled', () => {
      expect(out.disabledModule.visit.body.sweep).toEqual({ disabled: ['S-DONE'], expired: [], confirmed: ['S-DONE'], errors: [] });
      expect(out.disabledModule.users).toEqual(['admin:1', expect.stringMatching(/^ocsupport_.*:0$/)]);
      expect(out.disabledModule.secondVisit.body.sweep).toBeNull();
    });

    it('without an API configured, users older than 30 days still go', () => {
      expect(out.noApi.visit.body.sweep).toEqual({ disabled: ['S-NOAPI-OLD'], expired: ['S-NOAPI-OLD'], confirmed: [], errors: [] });
      expect(out.noApi.users.slice(1)).toEqual([expect.stringMatching(/:0$/), expect.stringMatching(/:1$/)]);
    });

    it('does nothing, and asks nothing, when there is nothing to clean up', () => {
      expect(out.idle).toEqual({ visit: { status: 200, body: { ok: true, sweep: null } }, calls: 0, lastSweep: false });
    });
  });

  describe('one temporary user per ticket', () => {
    it('replacing the access disables the earlier temporary user, without telling the API it lost the new one', () => {
      const r = out.replace;
      const [first, second] = [r.first.body.temporaryUser.username, r.second.body.temporaryUser.username];
      expect(first).not.toBe(second);
      expect(r.afterSecond.map((row: any) => [row.username, row.disabled_at !== undefined && row.disabled_at !== null, row.confirmed_at != null])).toEqual([
        [first, true, true],
        [second, false, false],
      ]);
      expect(r.ownLogin.body).toMatchObject({ accepted: true, temporaryUser: null });
      expect(r.afterOwnLogin.every((row: any) => row.disabled_at != null && row.confirmed_at != null)).toBe(true);
      expect(r.users.filter((u: string) => temporary.test(u) && u.endsWith(':1'))).toEqual([]);
      expect(api.calls('TicketAccessDisabledConfirm').filter((c) => c.variables.input.ticketId === 'R-1')).toHaveLength(0);
    });

    it('a replayed submission (same idempotency key) creates no second temporary user', () => {
      const r = out.replace;
      const username = r.create.body.access.temporaryUser.username;
      expect(r.replay.body).toMatchObject({ ok: true, data: { ticketCreate: { ticket: { id: 'R-REPLAY' } } } });
      expect(r.replay.body.access).toMatchObject({ ok: true, accepted: true, replayed: true, temporaryUser: { username } });
      expect(r.replayRows).toHaveLength(1);
      // Filed with its access in one request; the replay's own user was deleted again.
      expect(api.calls('TicketAccessProvide').filter((c) => c.variables.input.ticketId === 'R-REPLAY')).toHaveLength(0);
      expect(r.usersAfterReplay.filter((u: string) => /^ocsupport_[0-9a-f]{6}:/.test(u))).toEqual([`${username}:1`]);
    });
  });

  describe('disabling fails closed', () => {
    it('disables users older than 30 days, and those of tickets the API no longer returns', () => {
      const f = out.failClosed;
      expect(f.sweep.body.sweep.expired).toEqual(['A-OLD']);
      expect([...f.sweep.body.sweep.disabled].sort()).toEqual(['A-GONE', 'A-NOTFOUND', 'A-OLD']);
      expect(f.rows).toEqual({
        // The API refused the confirmation: settled, with its answer kept.
        'A-OLD': { disabled: true, confirmed: true, refused: `INVALID_TRANSITION: ${KEEP_ACCESS}` },
        'A-YOUNG': { disabled: false, confirmed: false, refused: null },
        'A-GONE': { disabled: true, confirmed: true, refused: 'NOT_FOUND: No ticket with this ID.' },
        'A-NOTFOUND': { disabled: true, confirmed: true, refused: 'NOT_FOUND: No ticket with this ID.' },
        // Any other error: ask again next time.
        'A-BROKEN': { disabled: false, confirmed: false, refused: null },
      });
      expect(f.sweep.body.sweep.errors).toContain(KEEP_ACCESS);
    });

    it('deletes a temporary user whose ticket was never filed after 10 minutes, and leaves one being filed', () => {
      const a = out.abandoned;
      expect(a.users).toEqual(['admin:1', `${a.filing}:1`]);
      expect(a.rows).toEqual([a.filing]);
      expect(a.sweep.body.sweep).toMatchObject({ disabled: [], confirmed: [], errors: [] });
      expect(api.received.filter((r) => r.authorization === 'Bearer key-good-abandoned')).toEqual([]);
    });

    it('does not send a confirmation the API refused again on every sweep', () => {
      expect(out.failClosed.again.body.sweep).toMatchObject({ confirmed: [], errors: [] });
      expect(api.calls('TicketAccessDisabledConfirm').filter((c) => c.variables.input.ticketId === 'A-OLD')).toHaveLength(1);
    });

    it('still disables old users when the key is revoked or the API is gone', () => {
      expect(out.revokedKey.sweep.body.sweep).toMatchObject({
        disabled: ['K-OLD'],
        expired: ['K-OLD'],
        errors: [expect.stringMatching(/did not accept your merchant API key/)],
      });
      expect(out.revokedKey.users.slice(1)).toEqual([expect.stringMatching(/:0$/), expect.stringMatching(/:1$/)]);
      expect(out.apiGone.sweep.body.sweep).toMatchObject({ expired: ['U-OLD'], errors: [expect.stringMatching(/cannot be reached/)] });
      expect(out.apiGone.users.slice(1)).toEqual([expect.stringMatching(/:0$/)]);
    });
  });

  describe('a late confirmation never costs support the access given since', () => {
    it('a confirmation still due when the merchant gives new access is dropped; support hears when the new user is disabled', () => {
      const l = out.lateConfirmation;
      expect(l.disable.body).toMatchObject({ disabled: 1, confirmed: false, refused: false });
      expect(l.second.body).toMatchObject({ accepted: true });
      // Sent now, it would destroy the new access at the API (the ticket is open).
      expect(l.confirmationsWhileOpen).toBe(0);
      expect(l.rowsWhileOpen).toEqual([
        { disabled: true, confirmed: true },
        { disabled: false, confirmed: false },
      ]);
      expect(l.resolved.body.sweep).toMatchObject({ disabled: ['D-1'], confirmed: ['D-1'] });
      expect(l.confirmationsAfter).toBe(1);
      expect(l.rowsAfter).toEqual([
        { disabled: true, confirmed: true },
        { disabled: true, confirmed: true },
      ]);
    });

    it('a confirmation already under way settles the disabled user only, not the active one', () => {
      const r = out.raceConfirmation;
      expect(r.rowsWhileOpen).toEqual([
        { disabled: true, confirmed: true },
        { disabled: false, confirmed: false },
      ]);
      expect(r.resolved.body.sweep).toMatchObject({ disabled: ['D-2'], confirmed: ['D-2'] });
      expect(r.confirmations).toBe(2);
      expect(r.rowsAfter.every((row: any) => row.disabled && row.confirmed)).toBe(true);
      // Each confirmation names the user it is about, so the API keeps access given after it.
      expect(r.users).toHaveLength(2);
      expect(r.named).toEqual(r.users);
    });
  });

  it('a new temporary user whose answer was lost is disabled at once, and still confirmed by name later', () => {
    const l = out.lostAnswer;
    expect(l.provide.status).toBeGreaterThanOrEqual(500);
    expect(l.rows).toEqual([{ disabled: true, confirmed: false }]);
    expect(l.users.slice(1)).toEqual([expect.stringMatching(/^ocsupport_.*:0$/)]);
    expect(l.named).toEqual([{ ticketId: 'L-1', storeAdminUsername: l.username }]);
    expect(l.rowsAfter).toEqual([{ disabled: true, confirmed: true }]);
  });

  it('never disables, scrambles or logs out a real admin who got the ID of a temporary user the merchant deleted', () => {
    const r = out.reusedId;
    expect(r.visit.body.sweep).toMatchObject({ expired: ['X-OLD'] });
    expect(r.afterVisit).toEqual([expect.objectContaining({ username: 'mary', status: '1', password: 'marys-hash' })]);
    expect(r.uninstall.deleted).toBe(0);
    expect(r.users).toEqual(['admin:1', 'mary:1']);
    expect(r.userLogin).toBe(1);
    expect(r.userAuthorize).toBe(1);
  });

  describe('a store that installed an earlier build (its table lacks the newer columns)', () => {
    it('settles a refused confirmation instead of failing every sweep, and "Disable it now" and new access work', () => {
      const e = out.earlierTable;
      expect(e.sweep).toMatchObject({
        status: 200,
        body: { sweep: { disabled: ['M-OLD'], expired: ['M-OLD'], errors: ['Keep the access until the ticket is resolved.'] } },
      });
      expect(e.again).toMatchObject({ status: 200, body: { sweep: { confirmed: [], errors: [] } } });
      expect(e.disableNow).toMatchObject({ status: 200, body: { ok: true, disabled: 1, confirmed: true, refused: false } });
      expect(e.disableNow.body.accesses.map((a: any) => [a.ticketId, a.disabledAt !== null, a.confirmRefused])).toEqual([
        ['M-OLD', true, 'INVALID_TRANSITION: Keep the access until the ticket is resolved.'],
        ['M-GONE', true, 'NOT_FOUND: No ticket with this ID.'],
      ]);
      // The refused confirmation was asked once, not again on the second sweep.
      expect(e.confirmations).toBe(2);
      expect(e.provide).toMatchObject({ status: 200, body: { accepted: true, temporaryUser: { username: expect.stringMatching(temporary) } } });
      expect(e.users).toEqual(['admin:1', 'ocsupport_401_aaaa:0', 'ocsupport_402_bbbb:0', expect.stringMatching(/^ocsupport_403_.*:1$/)]);
    });

    it("checks the table's columns once per request", () => {
      expect(out.earlierTable.columnChecks).toBe(1);
    });
  });

  describe('a temporary user that renamed itself (it has Administrator rights) is not left active', () => {
    it('"Disable it now" disables it and its password stops working', () => {
      const r = out.renamed;
      expect(r.disableNow).toMatchObject({ status: 200, body: { disabled: 1, confirmed: true } });
      expect(r.disableNowUser).toEqual({ status: '0', oldPasswordWorks: false });
    });

    it('the 30-day rule disables it', () => {
      expect(out.renamed.visit.body.sweep).toMatchObject({ disabled: ['RN-OLD'], expired: ['RN-OLD'] });
      expect(out.renamed.oldUser).toEqual({ status: '0', oldPasswordWorks: false });
    });

    it('uninstall deletes it, with its logins', () => {
      const r = out.renamed;
      expect(r.usersBeforeUninstall).toEqual(['admin:1', 'helpdesk:0', 'helpdesk2:0', 'helpdesk3:1']);
      expect(r.uninstall).toMatchObject({ disabled: ['RN-OPEN'], deleted: 3 });
      expect(r.users).toEqual(['admin:1']);
      expect(r.userLogin).toEqual(['1']);
      expect(r.userAuthorize).toBe(0);
    });

    it('is not shown as disabled when the store failed to disable it; the next try does', () => {
      const u = out.updateFails;
      expect(u.disable).toMatchObject({ status: 500, body: { ok: false, error: { code: 'INTERNAL' } } });
      expect(u.active).toBe(1);
      expect(u.retry).toMatchObject({ status: 200, body: { disabled: 1 } });
      expect(u.users).toEqual(['admin:1', expect.stringMatching(/^ocsupport_302_.*:0$/)]);
    });
  });

  describe('uninstall leaves nothing behind', () => {
    it.each(['3.0.4.0', '4.0.2.3'])('on %s: disables, tells the API, deletes the temporary users, their logins and the group', (version) => {
      const u = out.uninstall[version];
      expect([...u.result.disabled].sort()).toEqual([`N-ADMIN-${version}`, `N-OPEN-${version}`]);
      expect(u.result.confirmed).toEqual([`N-DONE-${version}`]);
      expect(u.result.errors).toEqual([KEEP_ACCESS, KEEP_ACCESS]);
      expect(u.result.deleted).toBe(3);
      // Only the users the module recorded, by ID and name; also the one enabled again by hand.
      expect(u.users).toEqual(['admin:1', 'ocsupport_friend:1']);
      expect(u.groups).toEqual(['Administrator']);
      expect(u.userLogin).toEqual(['1']);
      expect(u.userAuthorize).toBe(0);
      expect(u.tableDropped).toBe(true);
      expect(api.calls('TicketAccessDisabledConfirm').map((c) => c.variables.input.ticketId)).toContain(`N-DONE-${version}`);
    });

    it('is quick when the API cannot be reached, and keeps a group the merchant put someone else in', () => {
      const u = out.uninstallOffline;
      expect(u.seconds).toBeLessThan(4);
      expect(u.result).toMatchObject({ disabled: ['N-KEEP'], confirmed: [], deleted: 1, errors: [expect.stringMatching(/cannot be reached/)] });
      expect(u.users).toEqual(['admin:1', 'helper:1']);
      expect(u.groups).toEqual(['Administrator', 'OpenCart Support (temporary)']);
    });
  });

  it('redacts quoted secrets to the closing quote, URL credentials to the last "@", and secret define()s', () => {
    expect(out.redact).toEqual({
      "2024-01-01 PHP Notice: x in /a.php; 'password' => 'my secret phrase'": "2024-01-01 PHP Notice: x in /a.php; 'password' => '[redacted]'",
      'request: {"apiKey":"abc def ghi"}': 'request: {"apiKey":"[redacted]"}',
      'request: {"password":"a \\"quoted\\" phrase","user":"bob"}': 'request: {"password":"[redacted]","user":"bob"}',
      'https://user:p@ss@host/x': 'https://[redacted]@host/x',
      'ftp://admin:s3cr%40t@ftp.example.com/public_html': 'ftp://[redacted]@ftp.example.com/public_html',
      "define('DB_PASSWORD', 'x');": "define('DB_PASSWORD', '[redacted]');",
      "define('DB_PASSWORD', 'two words');": "define('DB_PASSWORD', '[redacted]');",
      'define("API_SECRET_KEY", "k e y");': 'define("API_SECRET_KEY", "[redacted]");',
      "define('OC_TOKEN', 'abc');": "define('OC_TOKEN', '[redacted]');",
      "DB_PASSWORD', 'hunter2xyz'": "DB_PASSWORD', '[redacted]'",
      "define('DB_USERNAME', 'shopuser');": "define('DB_USERNAME', 'shopuser');",
      "'password' => 'cut short by the log line": "'password' => '[redacted]",
      'smtp_password=plain': 'smtp_password=[redacted]',
      'Authorization: Bearer abc.def.ghi': 'Authorization: Bearer [redacted]',
      'Error: Could not make a database link using root@localhost': 'Error: Could not make a database link using [redacted]@[redacted]',
      'See https://shop.example.com/index.php?route=product&path=1': 'See https://shop.example.com/index.php?route=product&path=1',
    });
  });

  describe('login security (4.0.2+ config_security, 4.1 config_user_2fa)', () => {
    it('says in the bootstrap that a temporary user cannot log in, and why', () => {
      expect(out.loginSecurity.bootstrap.available).toBe(false);
      expect(out.loginSecurity.bootstrap.message).toMatch(/config_security.*no e-mail address.*your own admin login.*switch that setting off/s);
      expect(out.loginSecurity.bootstrapOff).toEqual({ available: true, message: null });
    });

    it("refuses to create one, before filing anything, and accepts the merchant's own login", () => {
      const l = out.loginSecurity;
      expect(l.create).toMatchObject({ status: 409, body: { ok: false, error: { code: 'LOGIN_SECURITY' } } });
      expect(api.calls('TicketCreate').some((c) => c.variables.input.subject === 'Login security on')).toBe(false);
      expect(l.provide).toMatchObject({ status: 409, body: { error: { code: 'LOGIN_SECURITY' } } });
      expect(l.twoFactor.body.error.message).toMatch(/config_user_2fa/);
      expect(l.provideOwnLogin.body).toMatchObject({ ok: true, accepted: true, temporaryUser: null });
      expect(l.users).toEqual(['admin:1']);
    });
  });

  it('deletes the temporary user at once when filing fails, leaving nothing behind', () => {
    const a = out.accessFails;
    expect(a.create).toMatchObject({ status: 502, body: { ok: false, error: { code: 'HTTP_ERROR', message: expect.stringMatching(/HTTP 500/) } } });
    expect(api.calls('TicketCreate').find((c) => c.variables.input.idempotencyKey === 'idem-access-down')!.variables.input.access.storeAdmin.username).toMatch(
      /^ocsupport_/,
    );
    expect(a.rows).toEqual([]);
    expect(a.users).toEqual(['admin:1']);
  });

  it("the admin-visit sweep waits 3 s at most per API call; the module's own pages keep the normal timeout", () => {
    expect(out.timeouts.visit).toMatchObject({ disabled: ['W-1', 'W-2'], confirmed: ['W-1', 'W-2'] });
    expect(out.timeouts.visitTimeouts).toEqual([3, 3, 3, 3]);
    expect(out.timeouts.pageTimeouts).toEqual([15, 15]);
  });
});
