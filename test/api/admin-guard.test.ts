import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idOfType } from '../../server/common/global-id';
import { spawnServer, type ServerProcess } from '../support/server-process';
import { createTestApp, type TestApp } from '../support/test-app';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

let app: TestApp;
let second: ServerProcess;
let dataDir: string;

beforeAll(async () => {
  app = await createTestApp();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'support-desk-admins-'));
  second = await spawnServer({ DATABASE_URL: app.databaseUrl, DATA_DIR: dataDir });
}, 120_000);
afterAll(async () => {
  if (second && second.child.exitCode !== null) console.error(second.output());
  await second?.stop();
  await app?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function gql(base: string, token: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: Array<{ extensions?: { code?: string } }> };
}

async function activeAdmins(): Promise<number> {
  const [row] = await app.orm.em.fork().execute<Array<{ n: number }>>(`select count(*)::int as n from staff_member where role = 'ADMIN' and active`);
  return row!.n;
}

const CREATE = `mutation($i: StaffMemberCreateInput!) { staffMemberCreate(input: $i) { staffMember { id } token userErrors { code } } }`;
const UPDATE = `mutation($i: StaffMemberUpdateInput!) { staffMemberUpdate(input: $i) { staffMember { id role active } userErrors { code message } } }`;

describe('the last active admin', () => {
  it('survives admins demoting and disabling each other at once on two server processes, 10 rounds', async () => {
    let lead = { id: '', token: app.adminToken };
    let others: Array<{ id: string; token: string }> = [];
    lead.id = (await gql(app.url, lead.token, `{ staffMembers(first: 1) { nodes { id } } }`)).data.staffMembers.nodes[0].id;
    for (let round = 0; round < 10; round += 1) {
      // Exactly four active admins: the lead steps down whoever else survived the last round.
      for (const other of others) await gql(app.url, lead.token, UPDATE, { i: { staffMemberId: other.id, role: 'AGENT' } });
      const admins = [lead];
      for (let n = 0; n < 3; n += 1) {
        const created = await gql(app.url, lead.token, CREATE, {
          i: { email: `admin-${round}-${n}@support.test`, name: `Admin ${round}.${n}`, role: 'ADMIN' },
        });
        admins.push({ id: created.data.staffMemberCreate.staffMember.id, token: created.data.staffMemberCreate.token });
      }
      expect(await activeAdmins()).toBe(4);
      // All at the same moment, half on each process: in even rounds each steps down itself, in odd
      // rounds each demotes the next; every other one disables instead of demoting.
      const stepDown = round % 2 === 0;
      const results = await Promise.all(
        admins.map((admin, n) => {
          const target = stepDown ? admin.id : admins[(n + 1) % admins.length]!.id;
          const change = n % 2 ? { role: 'AGENT' } : { active: false };
          return gql(n % 2 ? second.url : app.url, admin.token, UPDATE, { i: { staffMemberId: target, ...change } });
        }),
      );
      const codes = results.map((r) => r.data?.staffMemberUpdate?.userErrors?.[0]?.code ?? r.errors?.[0]?.extensions?.code ?? 'OK');
      expect(await activeAdmins(), `round ${round}`).toBeGreaterThanOrEqual(1);
      if (stepDown) {
        // Three step down one after the other; the last one left is refused by the guard.
        expect(codes.sort(), `round ${round}`).toEqual(['INVALID', 'OK', 'OK', 'OK']);
        expect(await activeAdmins()).toBe(1);
      } else {
        // An admin demoted before its own request got the lock has lost the right to demote
        // (FORBIDDEN); one disabled before its request was read is no longer signed in (UNAUTHENTICATED).
        expect(
          codes.every((code) => ['OK', 'FORBIDDEN', 'UNAUTHENTICATED'].includes(code)),
          `round ${round}: ${codes}`,
        ).toBe(true);
      }

      // The one left carries on: it leads the next round.
      const active = new Set(
        (await app.orm.em.fork().execute<Array<{ id: string }>>(`select id from staff_member where role = 'ADMIN' and active`)).map((r) => r.id),
      );
      const survivors = admins.filter((admin) => active.has(idOfType(admin.id, 'StaffMember')!));
      expect(survivors.length).toBe(active.size);
      [lead, ...others] = survivors as [{ id: string; token: string }, ...Array<{ id: string; token: string }>];
      expect(await gql(second.url, lead.token, `{ viewer { kind } }`)).toEqual({ data: { viewer: { kind: 'ADMIN' } } });
    }
  }, 120_000);
});

describe('npm run admin:token -- --restore', () => {
  // Not spawnSync: this process serves the test app, which must keep answering meanwhile.
  function adminToken(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', 'server/cli/admin-token.ts', ...args],
        { cwd: ROOT, encoding: 'utf8', env: { PATH: process.env.PATH, DATABASE_URL: app.databaseUrl, DATA_DIR: dataDir }, timeout: 60_000 },
        (error, stdout, stderr) => resolve({ status: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
      );
    });
  }

  it('brings back an admin when none is active, and says how when asked for a plain token', async () => {
    // The state the race used to leave behind.
    await app.orm.em.fork().execute(`update staff_member set active = false where role = 'ADMIN'`);
    expect(await activeAdmins()).toBe(0);

    const plain = await adminToken();
    expect(plain.status).toBe(1);
    expect(plain.stderr).toContain('No active admin exists. Make one: npm run admin:token -- --restore <email>');

    const restored = await adminToken('--restore', 'admin@support.test');
    expect(restored.status).toBe(0);
    // Demoted to agent or disabled in the race above, depending on who won.
    expect(restored.stdout).toMatch(/New token for admin@support\.test \(restored as an active admin \(was (disabled ADMIN|active AGENT|disabled AGENT)\)\)/);
    const token = /\b(ocs_[A-Za-z0-9_-]{20,})\b/.exec(restored.stdout)?.[1];
    expect(token).toBeDefined();
    expect(await activeAdmins()).toBe(1);
    expect(await gql(second.url, token!, `{ viewer { kind } }`)).toEqual({ data: { viewer: { kind: 'ADMIN' } } });
    // The old token stays dead: a new one was issued.
    expect((await gql(app.url, app.adminToken, `{ viewer { kind } }`)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    // Alone again, it cannot demote or disable itself.
    const self = (await gql(app.url, token!, `{ staffMembers(first: 50) { nodes { id email } } }`)).data.staffMembers.nodes.find(
      (m: { email: string }) => m.email === 'admin@support.test',
    ).id;
    const demote = await gql(app.url, token!, UPDATE, { i: { staffMemberId: self, role: 'AGENT' } });
    expect(demote.data.staffMemberUpdate.userErrors).toEqual([{ code: 'INVALID', message: 'This is the last active admin: appoint another first.' }]);
    const disable = await gql(second.url, token!, UPDATE, { i: { staffMemberId: self, active: false } });
    expect(disable.data.staffMemberUpdate.userErrors[0].code).toBe('INVALID');
    expect(await activeAdmins()).toBe(1);
  }, 120_000);

  it('makes an agent an admin, or creates the account, and needs an email', async () => {
    const agent = await gql(app.url, await restoreToken(), CREATE, { i: { email: 'agent-to-promote@support.test', name: 'Agent', role: 'AGENT' } });
    expect(agent.data.staffMemberCreate.userErrors).toEqual([]);
    const promoted = await adminToken('--restore', 'Agent-To-Promote@support.test');
    expect(promoted.stdout).toContain('restored as an active admin (was active AGENT)');
    const created = await adminToken('--restore', 'brand-new@support.test');
    expect(created.stdout).toContain('created as an active admin');
    const token = /\b(ocs_[A-Za-z0-9_-]{20,})\b/.exec(created.stdout)?.[1];
    expect(await gql(app.url, token!, `{ viewer { kind } }`)).toEqual({ data: { viewer: { kind: 'ADMIN' } } });
    const missing = await adminToken('--restore');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('--restore <email>');
  }, 120_000);

  async function restoreToken(): Promise<string> {
    const result = await adminToken('--restore', 'admin@support.test');
    return /\b(ocs_[A-Za-z0-9_-]{20,})\b/.exec(result.stdout)![1]!;
  }
});
