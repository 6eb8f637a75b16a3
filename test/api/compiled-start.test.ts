// `npm start` runs the server compiled by server/start.mjs (esbuild, split into chunks loaded on
// demand), which the other process tests (run through tsx) do not: here a checkout without dist/
// builds it on its first start, starts again without building, and rebuilds after an edit.
import { appendFileSync, chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../server/common/ports';
import { spawnServer, type ServerProcess } from '../support/server-process';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

const work = mkdtempSync(path.join(os.tmpdir(), 'support-desk-compiled-'));
chmodSync(work, 0o755); // started as root, PostgreSQL runs as its own user, which must reach the data
const checkout = path.join(work, 'checkout');
const dataDir = path.join(work, 'data');
const built = path.join(checkout, 'dist', 'server');

afterAll(() => rmSync(work, { recursive: true, force: true }));

async function graphql(server: ServerProcess, query: string, token?: string): Promise<unknown> {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  expect(response.status).toBe(200);
  return response.json();
}

/** Whether support is open now: an answer that needs the support calendar, and no sign-in. */
async function supportOpen(server: ServerProcess): Promise<unknown> {
  const answer = (await graphql(server, '{ supportHours(zone: "UTC") { open } }')) as { data?: { supportHours?: { open?: unknown } } };
  return typeof answer.data?.supportHours?.open;
}

/** The chunk files in dist/server, and those that main.js or another chunk imports. */
function chunks(): { present: string[]; imported: string[] } {
  const files = readdirSync(built).filter((name) => name.endsWith('.js'));
  const imported = new Set<string>();
  for (const file of files) for (const [, name] of readFileSync(path.join(built, file), 'utf8').matchAll(/"\.\/(chunk-[\w-]+\.js)"/g)) imported.add(name!);
  return { present: files.filter((name) => name.startsWith('chunk-')).sort(), imported: [...imported].sort() };
}

describe('npm start runs the compiled server', () => {
  it('builds it on the first start of a checkout, starts again without building, and rebuilds after an edit', async () => {
    // A checkout as a clone has it: sources, no dist/ (node_modules shared with this one).
    for (const entry of ['server', 'dashboard', 'package.json', 'tsconfig.json'])
      cpSync(path.join(ROOT, entry), path.join(checkout, entry), { recursive: true });
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(checkout, 'node_modules'));
    const env = { DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await findFreePort()) };
    const start = (extra: Record<string, string> = {}) => spawnServer({ ...env, ...extra }, 120_000, { cwd: checkout, nodeArgs: ['server/start.mjs'] });

    const first = await start();
    try {
      expect(existsSync(path.join(built, 'main.js'))).toBe(true);
      expect(await supportOpen(first)).toBe('boolean');
      const token = readFileSync(path.join(dataDir, 'first-admin-token'), 'utf8').trim();
      expect(await graphql(first, '{ viewer { kind } }', token)).toEqual({ data: { viewer: { kind: 'ADMIN' } } });
      // Columns of type bigint (a notification's event id, in its cursor) are strings here too: the
      // compiled server has no TypeScript type information to infer that from, unlike the tests'.
      // A second admin is told of the first one's ban (nobody is told of their own action).
      const colleague = (await graphql(
        first,
        'mutation { staffMemberCreate(input: { email: "second-admin@desk.test", name: "Second Admin", role: ADMIN }) { token } }',
        token,
      )) as { data: { staffMemberCreate: { token: string } } };
      const created = (await graphql(
        first,
        'mutation { customerCreate(input: { email: "compiled@shop.test", name: "Compiled Start" }) { customer { id } } }',
        token,
      )) as { data: { customerCreate: { customer: { id: string } } } };
      const customerId = created.data.customerCreate.customer.id;
      await graphql(
        first,
        `mutation { customerBan(input: { customerId: "${customerId}", reason: ABUSE, note: "Threats in three tickets." }) { userErrors { code } } }`,
        token,
      );
      const notifications = async () =>
        (await graphql(
          first,
          '{ viewer { notifications(first: 5) { unreadCount edges { cursor node { type } } } } }',
          colleague.data.staffMemberCreate.token,
        )) as {
          errors?: unknown;
          data?: { viewer: { notifications: { unreadCount: number; edges: { cursor: string; node: { type: string } }[] } } };
        };
      let answer = await notifications();
      for (let tries = 0; tries < 100 && !answer.errors && answer.data?.viewer.notifications.edges.length === 0; tries += 1) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        answer = await notifications();
      }
      expect(answer.errors).toBeUndefined();
      expect(answer.data!.viewer.notifications.edges.map((edge) => edge.node.type)).toContain('CUSTOMER_BANNED');
      expect(answer.data!.viewer.notifications.edges[0]!.cursor).toEqual(expect.any(String));
      // The dashboard page is built by the server (npm start no longer does it before starting).
      const page = await fetch(`${first.url}/dashboard/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<script');
    } finally {
      expect(await first.stop()).toBe(0);
    }
    const firstBuild = chunks();
    expect(firstBuild.present.length).toBeGreaterThan(1);
    expect(firstBuild.present).toEqual(firstBuild.imported);

    // Unchanged sources: the same files are run again. With S3_BUCKET named the S3 client's chunk loads too.
    const builtAt = statSync(path.join(built, 'main.js')).mtimeMs;
    const second = await start({ S3_BUCKET: 'desk-files', S3_ENDPOINT: 'http://127.0.0.1:9', S3_ACCESS_KEY_ID: 'key', S3_SECRET_ACCESS_KEY: 'secret' });
    try {
      expect(await supportOpen(second)).toBe('boolean');
    } finally {
      expect(await second.stop()).toBe(0);
    }
    expect(statSync(path.join(built, 'main.js')).mtimeMs).toBe(builtAt);

    // An edit (a pull): the next start builds again, and the chunks of the earlier build go.
    appendFileSync(path.join(checkout, 'server', 'app', 'start-server.ts'), '\nexport const EDITED = true;\n');
    const third = await start();
    try {
      expect(await supportOpen(third)).toBe('boolean');
    } finally {
      expect(await third.stop()).toBe(0);
    }
    const rebuilt = chunks();
    expect(rebuilt.present).toEqual(rebuilt.imported);
    expect(rebuilt.present).not.toEqual(firstBuild.present);
    // Three starts, two of them building: each may take up to its own 120 s under a full suite's load.
  }, 400_000);
});
