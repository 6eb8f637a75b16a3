// The module's shared PHP library (temporary access, API client, JSON endpoint), executed by a
// real PHP interpreter against a fake DB handle and a canned API over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { cannedTicket as ticket, closedPortUrl, MockApi, raw } from './support/mock-api';
import { hasPhp, NO_PHP_MESSAGE, PHP_DIR, runPhpJson } from './support/php';

const statuses: Record<string, string> = { 'T-OPEN': 'OPEN', 'T-DONE': 'RESOLVED', 'T-FINISHED': 'CLOSED' };

const api = new MockApi({
  Viewer: () => ({
    viewer: { id: 'C1', name: 'Ada Shop', email: 'ada@example.com', allowance: { used: 1, limit: 10, remaining: 9, renewsAt: '2026-02-01T00:00:00Z' } },
  }),
  TicketList: () => ({ tickets: { edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 } }),
  TicketCreate: (v) => {
    if (v.input.subject === 'Refuse access') {
      return {
        ticketCreate: {
          ticket: null,
          notices: [],
          userErrors: [{ field: ['input', 'access', 'fileAccess', 'host'], message: 'fileAccess.host must be a host name', code: 'INVALID' }],
        },
      };
    }
    if (v.input.subject === 'Echo variables') {
      const quoted = JSON.stringify(v.input.access);
      return raw({ errors: [{ message: `Variable "$input" got invalid value ${quoted}`, extensions: { code: 'BAD_USER_INPUT' } }] }, 400);
    }
    return { ticketCreate: { ticket: ticket('T-OPEN'), notices: [], userErrors: [] } };
  },
  TicketAccessProvide: (v) =>
    v.input.ticketId === 'T-REJECT'
      ? { ticketAccessProvide: { ticket: null, userErrors: [{ field: ['input'], message: 'Access rejected', code: 'INVALID' }] } }
      : { ticketAccessProvide: { ticket: { id: v.input.ticketId, status: 'OPEN', accessState: 'PROVIDED' }, userErrors: [] } },
  TicketDetail: (v) => ({ node: { ...ticket(v.id, statuses[v.id] ?? 'OPEN'), __typename: 'Ticket' } }),
  TicketState: (v) => ({ node: { id: v.id, status: statuses[v.id] ?? 'OPEN' } }),
  TicketAccessDisabledConfirm: (v) => ({
    ticketAccessDisabledConfirm: { ticket: { id: v.input.ticketId, accessDisabledAt: '2026-01-06T00:00:00Z' }, userErrors: [] },
  }),
});

let out: any;

describe.skipIf(!hasPhp)(hasPhp ? 'shared PHP library' : NO_PHP_MESSAGE, () => {
  beforeAll(async () => {
    await api.start();
    out = await runPhpJson([join(PHP_DIR, 'library.php'), api.url, await closedPortUrl()]);
  });
  afterAll(() => api.stop());

  describe('temporary admin users', () => {
    it('on 4.1.0.4, whose user table has no `code` column any more, the temporary user is created', () => {
      expect(out.access['4.1.0.4'].error).toBeUndefined();
      expect(out.access['4.1.0.4']).toMatchObject({ loginWorks: true, user: { status: '1', hasSalt: false } });
    });

    it.each(['3.0.2.0', '4.0.2.3', '4.1.0.4'])('on %s: recognisable, enabled, with a strong password OpenCart accepts', (version) => {
      const a = out.access[version];
      expect(a.username).toMatch(/^ocsupport_42_[0-9a-f]{4}$/);
      expect(a.user).toMatchObject({ firstname: 'OpenCart Support', lastname: '(temporary, ticket #OC-000042)', status: '1' });
      expect(a.loginWorks).toBe(true);
      expect(a.user.hasSalt).toBe(version.startsWith('3'));
      for (const p of a.passwords) {
        expect(p).toHaveLength(20);
        expect(p).toMatch(/[A-Z]/);
        expect(p).toMatch(/[a-z]/);
        expect(p).toMatch(/[0-9]/);
        expect(p).toMatch(/[^A-Za-z0-9]/);
      }
      expect(new Set(a.passwords).size).toBe(3);
    });

    it('puts them in a dedicated group with the Administrator permissions, or in the Administrator group', () => {
      const a = out.access['3.0.2.0'];
      expect(a.dedicatedGroup).toBe('{"access":["catalog/product"],"modify":["catalog/product"]}');
      expect(a.sameDedicatedGroup).toBe(true);
      expect(a.adminGroupId).toBe(1);
    });

    it('disables them: status 0 and the old password no longer works', () => {
      for (const version of ['3.0.2.0', '4.0.2.3', '4.1.0.4']) {
        const a = out.access[version];
        expect(a.disabledCount).toBe(1);
        expect(a.afterDisable).toEqual({ status: '0', oldPasswordWorks: false });
      }
    });

    it('uninstalling deletes every temporary user it created, its table and the unused group', () => {
      for (const version of ['3.0.2.0', '4.0.2.3', '4.1.0.4']) {
        const a = out.access[version].afterUninstall;
        expect(a.statuses).toEqual(['admin:1']);
        expect(a.tableDropped).toBe(true);
        expect(a.groupNames).toEqual(['Administrator', 'Demonstration']);
      }
    });
  });

  it("keeps detected values within the API's limits without breaking UTF-8", () => {
    expect(out.clip).toEqual({ utf8: 'äöü', ascii: '3.0.4.0-with-a-very-long-suffix-', invalid: 'bad ?? bytes', jsonSafe: true });
  });

  describe('API client', () => {
    it('sends the allowlisted document by name with the key as a bearer token', () => {
      expect(out.client.ok).toMatchObject({ ok: true, response: { data: { viewer: { name: 'Ada Shop' } } } });
      const call = api.calls('Viewer')[0]!;
      expect(call.authorization).toBe('Bearer key-good');
      expect(call.query).toMatch(/^query Viewer/);
    });

    it.each([
      ['unknownOperation', 'UNKNOWN_OPERATION', /not one of this module's operations/],
      ['notConfigured', 'NOT_CONFIGURED', /Enter the API endpoint/],
      ['badScheme', 'NOT_CONFIGURED', /must be an https:\/\/ address/],
      ['plainHttpRemote', 'NOT_CONFIGURED', /plain http:\/\/ is accepted only for localhost or 127\.0\.0\.1/i],
      ['unreachable', 'UNREACHABLE', /cannot be reached from your store \(127\.0\.0\.1\)/],
      ['timeout', 'TIMEOUT', /did not answer within 1 seconds/],
      ['unauthenticated', 'UNAUTHENTICATED', /did not accept your merchant API key/],
      ['banned', 'ACCOUNT_BANNED', /closed this account permanently/],
      ['notGraphql', 'BAD_RESPONSE', /did not answer like the support desk API/],
      ['http500', 'HTTP_ERROR', /HTTP 500/],
    ])('%s: %s with a clear message', (name, kind, message) => {
      expect(out.client[name]).toMatchObject({ ok: false, kind });
      expect(out.client[name].message).toMatch(message);
    });

    it('accepts https:// endpoints, and plain http:// only to this machine', () => {
      expect(out.client.validEndpoint).toEqual({
        'https://support.example.com/graphql': true,
        'http://localhost:4000/graphql': true,
        'http://127.0.0.1:4000/graphql': true,
        'http://[::1]:4000/graphql': true,
        'http://support.example.com/graphql': false,
        'http://localhost.evil.example/graphql': false,
        'http://127.0.0.1@evil.example/graphql': false,
        'https://user:pw@support.example.com/graphql': false,
        'ftp://example.com/graphql': false,
      });
    });

    it('gives up on a slow API after its timeout', () => {
      expect(out.client.timeoutSeconds).toBeLessThan(3);
    });
  });

  describe('JSON endpoint', () => {
    it('never gives the API key to the browser', () => {
      const b = out.endpoint.bootstrap;
      expect(b.status).toBe(200);
      expect(b.body.settings).toEqual({ endpoint: `${api.url}/graphql`, hasApiKey: true, apiKeyHint: '…cdef', status: true });
      expect(JSON.stringify({ ...out.endpoint, keyAfterSave: null })).not.toContain('key-good-0123456789abcdef');
      expect(b.body).toMatchObject({ timezone: 'Europe/Berlin', line: '3.0', canModify: true, platform: { platform: 'NATIVE', opencartVersion: '3.0.4.0' } });
    });

    it('keeps the stored key when the key field is left empty', () => {
      expect(out.endpoint.saveKeepsKey.status).toBe(200);
      expect(out.endpoint.keyAfterSave).toBe('key-good-0123456789abcdef');
    });

    it('needs "modify" permission to change settings, and a valid endpoint', () => {
      expect(out.endpoint.saveWithoutModify).toMatchObject({ status: 403, body: { ok: false, error: { code: 'PERMISSION' } } });
      expect(out.endpoint.saveBadEndpoint).toMatchObject({ status: 422, body: { error: { code: 'INVALID_ENDPOINT' } } });
      expect(out.endpoint.unknownAction).toMatchObject({ status: 404 });
    });

    it('tests the connection (with "modify" permission: it sends the key)', () => {
      expect(out.endpoint.test).toMatchObject({ status: 200, body: { viewer: { name: 'Ada Shop' } } });
      expect(out.endpoint.testWithoutModify).toMatchObject({ status: 403, body: { error: { code: 'PERMISSION' } } });
      expect(out.endpoint.testBadKey).toMatchObject({ status: 502, body: { error: { code: 'UNAUTHENTICATED' } } });
    });

    it("forwards only the module's own operations, and never those the server runs itself", () => {
      expect(out.endpoint.arbitraryQuery).toMatchObject({ status: 400, body: { error: { code: 'UNKNOWN_OPERATION' } } });
      expect(out.endpoint.serverOnly).toMatchObject({ status: 400, body: { error: { code: 'UNKNOWN_OPERATION' } } });
      expect(out.endpoint.mutationWithoutModify).toMatchObject({ status: 403 });
      expect(out.endpoint.list).toMatchObject({ status: 200, body: { ok: true, data: { tickets: { totalCount: 0 } }, errors: [] } });
      expect(api.received.some((r) => r.query?.includes('__schema'))).toBe(false);
    });

    it('files a ticket with the detected environment and its access (a temporary admin user and FTP) in one request', () => {
      expect(out.endpoint.create).toMatchObject({ status: 200, body: { ok: true, data: { ticketCreate: { ticket: { id: 'T-OPEN' } } } } });
      expect(out.endpoint.create.body.access).toMatchObject({
        ok: true,
        accepted: true,
        replayed: false,
        temporaryUser: { username: expect.stringMatching(/^ocsupport_[0-9a-f]{6}$/) },
      });
      const created = api.calls('TicketCreate')[0]!.variables.input;
      expect(created).toMatchObject({ subject: 'Checkout broken', category: 'BUG_FIX', idempotencyKey: 'idem-12345678' });
      expect(created.environment).toMatchObject({
        platform: 'NATIVE',
        opencartVersion: '3.0.4.0',
        webServer: 'Apache',
        storeUrl: 'https://shop.example.com/',
        adminLanguage: 'en-gb',
        errorLogExcerpt: null,
      });
      expect(created.access.storeAdmin).toMatchObject({
        url: 'https://shop.example.com/admin/',
        username: out.endpoint.create.body.access.temporaryUser.username,
      });
      expect(created.access.storeAdmin.password).toHaveLength(20);
      expect(created.access.fileAccess).toEqual({ protocol: 'SFTP', host: 'ftp.example.com', port: 22, username: 'u', password: 'p' });
      // No second request hands the access over afterwards.
      expect(api.calls('TicketAccessProvide').map((c) => c.variables.input.ticketId)).not.toContain('T-OPEN');
      // The user is recorded for the ticket and named after it once it is filed.
      expect(out.endpoint.userAfterCreate).toEqual([
        expect.objectContaining({ username: created.access.storeAdmin.username, lastname: '(temporary, ticket #OC-T-OPEN)', status: '1' }),
      ]);
      expect(out.endpoint.accessesBeforeSweep.find((a: any) => a.username === created.access.storeAdmin.username)).toMatchObject({
        ticketId: 'T-OPEN',
        ticketNumber: 'OC-T-OPEN',
      });
      // The password went to the API only, never back to the browser.
      expect(JSON.stringify(out.endpoint)).not.toContain(created.access.storeAdmin.password);
    });

    it('refuses an incomplete access before anything is created or sent', () => {
      expect(out.endpoint.createIncomplete.body).toMatchObject({ ok: true, data: null });
      expect(out.endpoint.createIncomplete.body.errors.map((e: any) => e.message)).toEqual([
        expect.stringMatching(/^FTP\/SFTP access: choose FTP, FTPS or SFTP/),
        expect.stringMatching(/^FTP\/SFTP access: enter the host/),
        expect.stringMatching(/^FTP\/SFTP access: enter the username/),
        expect.stringMatching(/^FTP\/SFTP access: enter the password/),
      ]);
      expect(out.endpoint.createShort.body.errors.map((e: any) => e.message)).toEqual([
        'Subject: please write 3 to 200 characters.',
        'Description: please describe the problem in at least 10 characters.',
      ]);
      expect(api.calls('TicketCreate').some((c) => ['No FTP', 'Hi'].includes(c.variables.input.subject))).toBe(false);
      expect(out.endpoint.createIncompleteUsers).toBe(0);
    });

    it('deletes the temporary user at once when the API does not file the ticket, and answers in plain words without any password', () => {
      expect(out.endpoint.createRefused.body).toMatchObject({
        ok: true,
        data: null,
        errors: [{ code: 'INVALID', message: expect.stringMatching(/^FTP\/SFTP access: enter the host as a name or IP address/) }],
      });
      expect(JSON.stringify(out.endpoint.createRefused)).not.toContain('fileAccess.host');
      const echoed = api.calls('TicketCreate').find((c) => c.variables.input.subject === 'Echo variables')!.variables.input.access;
      expect(out.endpoint.createEcho.body).toMatchObject({
        ok: true,
        data: null,
        errors: [{ code: 'BAD_USER_INPUT', message: expect.stringMatching(/^The support desk could not accept the request/) }],
      });
      const answer = JSON.stringify(out.endpoint.createEcho);
      for (const secret of [echoed.storeAdmin.password, echoed.fileAccess.password]) expect(answer).not.toContain(secret);
      expect(answer).not.toMatch(/Variable|\$input/);
      const refusedUser = api.calls('TicketCreate').find((c) => c.variables.input.subject === 'Refuse access')!.variables.input.access.storeAdmin.username;
      expect(refusedUser).toMatch(/^ocsupport_/);
      // Deleted, not disabled: no user and no row are left of it.
      expect(out.endpoint.createRefusedUsers).toBe(0);
      expect(out.endpoint.createRefusedRows).toBe(1);
    });

    it('deletes a temporary user at once when the API refuses the access on the ticket page', () => {
      expect(out.endpoint.createRejectedAccess.body).toMatchObject({
        ok: true,
        accepted: false,
        temporaryUser: null,
        errors: [{ message: 'Access rejected', code: 'INVALID' }],
      });
      expect(out.endpoint.rejectedUsers).toBe(0);
      expect(out.endpoint.accessesBeforeSweep.find((a: any) => a.ticketId === 'T-REJECT')).toBeUndefined();
    });

    it('disables the users of resolved tickets on the next admin visit, tells the API, and is throttled', () => {
      expect(out.endpoint.sweepThrottledFirst.body.sweep).toEqual({ disabled: ['T-DONE'], expired: [], confirmed: ['T-DONE'], errors: [] });
      expect(out.endpoint.sweepThrottledSecond.body.sweep).toBeNull();
      expect(api.calls('TicketAccessDisabledConfirm').map((c) => c.variables.input.ticketId)).toContain('T-DONE');
    });

    it('disables the temporary user of a finished ticket before the page that shows it is rendered, and tells the API', () => {
      const detail = out.endpoint.detailFinished.body;
      expect(detail.data.node).toMatchObject({ id: 'T-FINISHED', status: 'CLOSED' });
      expect(detail.disabledNow).toEqual([{ ticketNumber: 'OC-8', username: expect.stringMatching(/^ocsupport_8_[0-9a-f]{4}$/) }]);
      expect(detail.accesses.find((a: any) => a.ticketId === 'T-FINISHED')).toMatchObject({ disabledAt: expect.any(String), confirmedAt: expect.any(String) });
      expect(api.calls('TicketAccessDisabledConfirm').filter((c) => c.variables.input.ticketId === 'T-FINISHED')).toHaveLength(1);
      expect(out.endpoint.usersAfter).toContain(`${detail.disabledNow[0].username}:0`);
      // Once is enough; an open ticket's user stays.
      expect(out.endpoint.detailFinishedAgain.body.disabledNow).toEqual([]);
      expect(out.endpoint.detailOpen.body.disabledNow).toEqual([]);
    });

    it("disables a ticket's user at once on request and confirms it", () => {
      expect(out.endpoint.disableNow.body).toMatchObject({ disabled: 1, confirmed: true, messages: [] });
      expect(out.endpoint.usersAfter[0]).toBe('admin:1');
      expect(out.endpoint.usersAfter.slice(1).every((s: string) => s.endsWith(':0'))).toBe(true);
    });

    it("answers the store's own errors (OpenCart's DB driver throws a plain Exception) as JSON: a 500 with a clear message, the SQL only in the log", () => {
      const f = out.storeErrors;
      for (const answer of [f.provide, f.create, f.disable]) {
        expect(answer).toMatchObject({ status: 500, body: { ok: false, error: { code: 'INTERNAL', message: expect.stringMatching(/error log/) } } });
        expect(JSON.stringify(answer)).not.toMatch(/INSERT|SELECT|UPDATE|oc_|Error No|gone away|\.php/);
      }
      expect(f.log).toHaveLength(3);
      expect(f.log[0]).toMatch(/^OpenCart Support Desk \(access\.provide\): Exception: Error: MySQL server has gone away.*INSERT INTO `oc_user`/);
    });

    it('files nothing when the store cannot create the temporary user', () => {
      const c = out.storeErrors.create;
      expect(c).toMatchObject({ status: 500, body: { ok: false, error: { code: 'INTERNAL' } } });
      expect(api.calls('TicketCreate').some((call) => call.variables.input.subject === 'Store fails')).toBe(false);
      expect(out.storeErrors.log[1]).toMatch(/^OpenCart Support Desk \(ticket\.create\)/);
    });

    it('explains an unreachable or unconfigured API', () => {
      expect(out.endpoint.unreachable).toMatchObject({ status: 502, body: { ok: false, error: { code: 'UNREACHABLE' } } });
      expect(out.endpoint.notConfigured).toMatchObject({ status: 409, body: { error: { code: 'NOT_CONFIGURED' } } });
    });
  });
});
