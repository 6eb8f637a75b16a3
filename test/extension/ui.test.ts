// The module's TypeScript UI pieces, against canned data: escaping, dates in the admin's time zone,
// the English-only hint, categories, and the endpoint client.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATEGORIES } from '../../opencart-extension/src/categories';
import { EndpointError, ModuleEndpoint } from '../../opencart-extension/src/endpoint';
import { looksEnglish } from '../../opencart-extension/src/english';
import { formatDateTime, relative } from '../../opencart-extension/src/format';
import { escapeHtml, html, multiline } from '../../opencart-extension/src/html';
import { hoursBadge } from '../../opencart-extension/src/views/hours';
import { accessFields, accessProblems, type AccessChoice } from '../../opencart-extension/src/views/common';
import { viewLink } from '../../opencart-extension/src/links';
import { environmentTable, filedMessage, ticketProblems } from '../../opencart-extension/src/views/new-ticket';
import { authorName } from '../../opencart-extension/src/views/ticket';
import { accessRows, accountNotices, allowance, ticketRows } from '../../opencart-extension/src/views/tickets';

const XSS = '<img src=x onerror="alert(1)">Checkout & "cart"';

const ticket = (overrides: Record<string, unknown> = {}) =>
  ({
    id: 'VGlja2V0OjE=',
    number: 'OC-000001',
    subject: XSS,
    status: 'OPEN',
    category: 'BUG_FIX',
    coverage: 'COVERED',
    createdAt: '2026-03-02T08:00:00.000Z',
    firstReplyDueAt: '2026-03-02T14:30:00.000Z',
    resolutionDueAt: null,
    unreadMessageCount: 2,
    ...overrides,
  }) as any;

describe('escaping', () => {
  it('escapes every interpolated value, keeps nested html and drops null/false', () => {
    expect(escapeHtml(`<a href="x">'&\`</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#96;&lt;/a&gt;');
    expect(html`<b>${'<i>'}</b>${html`<i>ok</i>`}${null}${false}${[1, '<2>']}`.value).toBe('<b>&lt;i&gt;</b><i>ok</i>1&lt;2&gt;');
    expect(multiline('a<b>\nc').value).toBe('a&lt;b&gt;<br>c');
  });

  it('shows a ticket subject with markup as text in the tickets list', () => {
    const out = ticketRows([ticket()], 'Europe/Berlin').value;
    expect(out).not.toContain('<img');
    expect(out).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;Checkout &amp; &quot;cart&quot;');
  });

  it("shows the account's notices as text, with their time in the admin's time zone, and nothing when there are none", () => {
    const out = accountNotices([{ id: 'N1', title: XSS, body: `${XSS} body`, occurredAt: '2026-03-02T08:00:00.000Z' }], 'Europe/Berlin').value;
    expect(out).toContain('data-testid="account-notices"');
    expect(out).not.toContain('<img');
    expect(out).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;Checkout &amp; &quot;cart&quot; body');
    expect(out).toContain(formatDateTime('2026-03-02T08:00:00.000Z', 'Europe/Berlin'));
    expect(accountNotices([], 'Europe/Berlin').value).toBe('');
  });

  it('escapes API strings in the environment preview, hours badge, allowance and temporary users', () => {
    const env = environmentTable({
      platform: 'NATIVE',
      webServer: '<script>x</script>',
      extensions: [{ kind: 'EXTENSION', code: 'm/<b>', name: '<svg onload=1>', version: null, author: '"a"', targetLine: '2.x', evidence: '<i>' }],
      errorLogExcerpt: '</pre><script>1</script>',
    }).value;
    expect(env).not.toMatch(/<script|<svg|<b>|<i>/);
    const badge = hoursBadge(
      {
        open: false,
        nextOpensAt: '2026-03-03T08:00:00Z',
        nextClosesAt: '2026-03-03T17:00:00Z',
        zone: 'x',
        nextHoliday: { name: '<b>Day</b>', date: '2026-05-25' },
      },
      'UTC',
    ).value;
    expect(badge).toContain('&lt;b&gt;Day&lt;/b&gt;');
    const rows = accessRows([{ ticketId: '"><x', ticketNumber: '<n>', username: '<u>', createdAt: '', disabledAt: null, confirmedAt: null }], true).value;
    expect(rows).not.toMatch(/<x|<n>|<u>/);
    expect(
      allowance(
        {
          kind: 'CUSTOMER',
          customer: {
            id: '1',
            name: 'x',
            email: 'e',
            allowance: { used: 1, limit: 10, remaining: 9, renewsAt: null, periodEnd: '' },
            subscriptions: { edges: [] },
          },
        },
        'UTC',
      ).value,
    ).toContain('<strong>9</strong> of 10');
  });
});

describe('dates in the admin time zone', () => {
  it('formats due times in the given zone, with its name', () => {
    expect(formatDateTime('2026-03-02T14:30:00.000Z', 'Europe/Berlin')).toBe('Mon, 2 Mar 2026, 15:30 CET');
    expect(formatDateTime('2026-03-02T14:30:00.000Z', 'America/New_York')).toBe('Mon, 2 Mar 2026, 09:30 GMT-5');
    expect(formatDateTime(null, 'UTC')).toBe('—');
    const row = ticketRows([ticket()], 'Asia/Tokyo').value;
    expect(row).toContain('Reply due: Mon, 2 Mar 2026, 23:30 GMT+9');
  });

  it('says how far away a time is', () => {
    const now = new Date('2026-03-02T12:00:00Z');
    expect(relative('2026-03-02T14:30:00Z', now)).toBe('in 2 h 30 min');
    expect(relative('2026-03-02T11:55:00Z', now)).toBe('5 min ago');
    expect(relative('2026-03-04T13:00:00Z', now)).toBe('in 2 d 1 h');
  });

  it('shows open or next opening in the badge', () => {
    expect(
      hoursBadge(
        { open: true, nextOpensAt: '2026-03-03T08:00:00Z', nextClosesAt: '2026-03-02T17:00:00Z', zone: 'UTC', nextHoliday: null as any },
        'Europe/Berlin',
      ).value,
    ).toContain('Support is open now · until Mon, 2 Mar 2026, 18:00 CET');
    expect(
      hoursBadge({ open: false, nextOpensAt: '2026-03-03T08:00:00Z', nextClosesAt: '2026-03-03T17:00:00Z', zone: 'UTC', nextHoliday: null as any }, 'UTC')
        .value,
    ).toContain('Support is closed · opens Tue, 3 Mar 2026, 08:00 UTC');
  });
});

describe('ticket page', () => {
  it('names the team of a staff author when the API gives it', () => {
    expect(authorName({ displayName: 'Dana', kind: 'STAFF', team: 'DEVELOPMENT' })).toBe('Dana (Development team)');
    expect(authorName({ displayName: 'Sam', kind: 'STAFF', team: 'SUPPORT' })).toBe('Sam (Support team)');
    expect(authorName({ displayName: 'Sam', kind: 'STAFF', team: null })).toBe('Sam');
    expect(authorName({ displayName: 'Ada Shop', kind: 'CUSTOMER', team: null })).toBe('You');
    expect(authorName({ displayName: 'System', kind: 'SYSTEM', team: null })).toBe('System');
  });

  it('offers no temporary admin user, and says why, when login security is on', () => {
    const open = accessFields('a-').value;
    expect(open).toMatch(/value="temporary" checked/);
    expect(open).not.toContain('login-security');
    const blocked = accessFields('a-', 'Login security <b>on</b>.').value;
    expect(blocked).toContain('data-testid="login-security"');
    expect(blocked).toContain('Login security &lt;b&gt;on&lt;/b&gt;.');
    expect(blocked).toMatch(/value="temporary" disabled/);
    expect(blocked).toMatch(/value="manual" checked/);
  });
});

describe('English-only hint', () => {
  it.each([
    ['Hello, my checkout page is blank since I installed the new theme. Can you please have a look?', true],
    ['Error in admin/controller/sale/order.php on line 12', true],
    ['Hallo, meine Kasse zeigt seit dem Update nur eine leere Seite an und ich weiß nicht warum.', false],
    ['Bonjour, la page de paiement reste blanche depuis la mise à jour du thème, pouvez-vous aider?', false],
    ['Здравствуйте, после обновления страница оформления заказа пустая, помогите пожалуйста.', false],
    ['Short text', true],
  ])('%s → %s', (text, expected) => expect(looksEnglish(text)).toBe(expected));
});

describe('categories', () => {
  it('match the API schema: every TicketCategory with its label and hint', () => {
    const schema = readFileSync(resolve(import.meta.dirname, '../../schema.graphql'), 'utf8');
    const block = /enum TicketCategory \{([\s\S]*?)\n\}/.exec(schema)![1]!;
    const values = [...block.matchAll(/"""\s*([\s\S]*?)\s*"""\s*([A-Z_]+)/g)].map((m) => [m[2], m[1]!.replace(/\s+/g, ' ')]);
    expect(values.length).toBeGreaterThan(10);
    expect(new Set(CATEGORIES.map((c) => c.value))).toEqual(new Set(values.map(([v]) => v)));
    for (const [value, description] of values) {
      const c = CATEGORIES.find((x) => x.value === value)!;
      expect(`${c.label}: ${c.hint}`).toBe(description);
    }
  });
});

describe('endpoint client', () => {
  const fake = (status: number, body: unknown, seen: string[] = []) =>
    (async (url: RequestInfo | URL, init?: RequestInit) => {
      seen.push(`${String(url)} ${init?.method} ${String(init?.body)}`);
      return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status });
    }) as typeof fetch;

  it('posts the action to the module URL, keeping its user_token', async () => {
    const seen: string[] = [];
    const endpoint = new ModuleEndpoint(
      '/admin/index.php?route=extension/module/oc_support_desk/api&user_token=abc',
      fake(200, { ok: true, data: { tickets: 1 }, errors: [] }, seen),
    );
    await expect(endpoint.graphql('TicketList', { first: 5 })).resolves.toEqual({ tickets: 1 });
    expect(seen[0]).toBe(
      '/admin/index.php?route=extension/module/oc_support_desk/api&user_token=abc&action=graphql POST {"operation":"TicketList","variables":{"first":5}}',
    );
  });

  it('turns failures into clear messages', async () => {
    await expect(
      new ModuleEndpoint('/x', fake(502, { ok: false, error: { code: 'UNREACHABLE', message: 'cannot be reached' } })).call('bootstrap'),
    ).rejects.toMatchObject({
      code: 'UNREACHABLE',
      message: 'cannot be reached',
    });
    // OpenCart shows its login page in place of the endpoint when the session has expired.
    const loginPage =
      '<html><form action="https://shop.example.com/admin/index.php?route=common/login" method="post"><input name="password" type="password"></form></html>';
    await expect(new ModuleEndpoint('/x', fake(200, loginPage)).call('bootstrap')).rejects.toMatchObject({ code: 'SESSION' });
    await expect(
      new ModuleEndpoint('/x', fake(200, { ok: true, data: null, errors: [{ message: 'Not yours', code: 'FORBIDDEN' }] })).graphql('TicketDetail'),
    ).rejects.toBeInstanceOf(EndpointError);
    const offline = new ModuleEndpoint('/x', (async () => {
      throw new TypeError('offline');
    }) as typeof fetch);
    await expect(offline.call('bootstrap')).rejects.toMatchObject({ code: 'NETWORK' });
  });

  it('shows a store error as a store error, never as an expired session', async () => {
    const internal = {
      ok: false,
      error: {
        code: 'INTERNAL',
        message: "Your store ran into an error while doing this. The details are in OpenCart's error log (System > Maintenance > Error Logs).",
      },
    };
    await expect(new ModuleEndpoint('/x', fake(500, internal)).call('bootstrap')).rejects.toMatchObject({
      code: 'INTERNAL',
      status: 500,
      message: internal.error.message,
    });
    // An error page that is not JSON (PHP's fatal error, OpenCart's error page).
    const page = new ModuleEndpoint('/x', fake(500, '<b>Fatal error</b>: Uncaught Exception: Error: MySQL server has gone away'));
    const error = (await page.call('bootstrap').catch((e: unknown) => e)) as EndpointError;
    expect(error).toMatchObject({ code: 'SERVER', status: 500 });
    expect(error.message).toMatch(/error page \(HTTP 500\).*error log/);
    expect(error.message).not.toMatch(/session/i);
    // Only a refused session (401/403) or the login page reads as an expired session.
    await expect(new ModuleEndpoint('/x', fake(401, 'Unauthorized')).call('bootstrap')).rejects.toMatchObject({ code: 'SESSION' });
    await expect(new ModuleEndpoint('/x', fake(403, '<html>Forbidden</html>')).call('bootstrap')).rejects.toMatchObject({ code: 'SESSION' });
  });
});

describe('links and store access', () => {
  it("links to a view by the page's own address, so OpenCart's <base href> cannot send it elsewhere", () => {
    const page = 'https://shop.example.com/admin/index.php?route=extension/module/oc_support_desk&user_token=abc#tickets';
    expect(viewLink('#new', page)).toBe('https://shop.example.com/admin/index.php?route=extension/module/oc_support_desk&user_token=abc#new');
    expect(viewLink('#ticket/VGlja2V0OjE%3D', page)).toBe(
      'https://shop.example.com/admin/index.php?route=extension/module/oc_support_desk&user_token=abc#ticket/VGlja2V0OjE%3D',
    );
  });

  const ftp = { protocol: 'FTP', host: 'ftp.example.com', username: 'support', password: 'secret-1' };
  it.each([
    ['a temporary user and FTP', { createTemporaryAdmin: true, userGroup: 'dedicated', fileAccess: ftp }, []],
    [
      'an own login and SFTP',
      { createTemporaryAdmin: false, userGroup: '', storeAdmin: { username: 'owner', password: 'pw' }, fileAccess: { ...ftp, protocol: 'SFTP' } },
      [],
    ],
    [
      'a temporary user without FTP',
      { createTemporaryAdmin: true, userGroup: 'dedicated', fileAccess: { protocol: 'FTP', host: '', username: '', password: '' } },
      [/enter the host/, /enter the username/, /enter the password/],
    ],
    [
      'an own login without password',
      { createTemporaryAdmin: false, userGroup: '', storeAdmin: { username: 'owner', password: '' }, fileAccess: ftp },
      [/^Store admin access: choose a temporary admin user, or enter your own/],
    ],
    ['a port out of range', { createTemporaryAdmin: true, userGroup: '', fileAccess: { ...ftp, port: 70000 } }, [/port must be a number from 1 to 65535/]],
    ['a port that is not a number', { createTemporaryAdmin: true, userGroup: '', fileAccess: { ...ftp, port: Number.NaN } }, [/port must be a number/]],
  ] as const)('requires store-admin and FTP access: %s', (_name, choice, expected) => {
    const problems = accessProblems(choice as AccessChoice);
    expect(problems).toHaveLength(expected.length);
    expected.forEach((pattern, i) => expect(problems[i]).toMatch(pattern));
  });

  it("checks the ticket fields against the API's limits before sending", () => {
    expect(ticketProblems('BUG_FIX', 'Checkout broken', 'The checkout page is blank.')).toEqual([]);
    expect(ticketProblems('', 'Hi', 'Broken.')).toEqual([
      'Category: choose what you need help with.',
      'Subject: please write 3 to 200 characters.',
      'Description: please describe the problem in at least 10 characters.',
    ]);
    expect(ticketProblems('BUG_FIX', 'é'.repeat(200), 'ü'.repeat(10))).toEqual([]);
    expect(ticketProblems('BUG_FIX', 'x'.repeat(201), 'y'.repeat(10))).toEqual(['Subject: please write 3 to 200 characters.']);
  });

  it('says after filing that support has the access, and asks for nothing more', () => {
    const payload = {
      ticket: ticket({ number: 'OC-000042' }),
      notices: [{ code: 'BEST_EFFORT', message: 'A one-time fix has no guaranteed reply time.' }],
      userErrors: [],
    } as any;
    const temporary = filedMessage(payload, { ok: true, accepted: true, replayed: false, errors: [], temporaryUser: { username: 'ocsupport_1a2b3c' } }).value;
    expect(temporary).toContain('Ticket OC-000042 was sent with its store access.');
    expect(temporary).toContain('<code>ocsupport_1a2b3c</code>');
    expect(temporary).toContain('A one-time fix has no guaranteed reply time.');
    expect(temporary).not.toMatch(/provide|not sent/i);
    expect(filedMessage(payload, { ok: true, accepted: true, replayed: false, errors: [], temporaryUser: null }).value).toContain(
      'Support received your admin login and FTP access.',
    );
  });
});
