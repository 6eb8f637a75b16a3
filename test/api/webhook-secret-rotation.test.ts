import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/app/logger';
import { DomainEventType } from '../../server/modules/events/domain-event';
import { StaticKeyring } from '../../server/modules/vault/keyring';
import { verifyWebhook, WEBHOOK_HEADERS } from '../../server/modules/webhook/webhook-signature';
import { startWebhooks } from '../../server/modules/webhook/webhook.runtime';
import { createTestApp, type TestApp } from '../support/test-app';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** `npm run vault:rotate` re-wraps webhook signing secrets too; receivers keep verifying with the secret they were given. */
let app: TestApp;
let receiver: http.Server;
const received: Array<{ body: string; timestamp: string; signature: string }> = [];

beforeAll(async () => {
  app = await createTestApp();
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({
        body,
        timestamp: req.headers[WEBHOOK_HEADERS.timestamp.toLowerCase()] as string,
        signature: req.headers[WEBHOOK_HEADERS.signature.toLowerCase()] as string,
      });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise((resolve) => receiver?.close(resolve));
  await app?.close();
});

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; text: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout.on('data', (chunk) => (text += chunk));
    child.stderr.on('data', (chunk) => (text += chunk));
    child.on('exit', (code) => resolve({ code, text }));
  });
}

describe('master key rotation and webhook signing secrets', () => {
  it('re-wraps every endpoint secret under the new key; after the old key is gone, deliveries still verify with the old secret value', async () => {
    const oldKey = app.vault.keyring.current();
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    const secrets: string[] = [];
    for (const description of ['CRM', 'Slack bridge']) {
      const created = await app.raw(
        'mutation($input: WebhookEndpointCreateInput!) { webhookEndpointCreate(input: $input) { secret userErrors { message } } }',
        { input: { url, eventTypes: ['CUSTOMER_BANNED'], description } },
        app.adminToken,
      );
      secrets.push(created.body.data!.webhookEndpointCreate.secret);
    }
    const newKey = randomBytes(32);

    const output = await runCli(['server/cli/rotate-master-key.ts'], {
      DATABASE_URL: app.databaseUrl,
      VAULT_MASTER_KEY: newKey.toString('base64'),
      VAULT_PREVIOUS_MASTER_KEYS: oldKey.key.toString('base64'),
    });
    expect(output.code).toBe(0);
    expect(output.text).toContain('Re-wrapped 2 webhook signing secret(s)');
    expect(output.text).toContain('remove VAULT_PREVIOUS_MASTER_KEYS');
    for (const secret of secrets) expect(output.text).not.toContain(secret);
    expect(output.text).not.toContain(newKey.toString('base64'));
    const rows = await app.orm.em.fork().getConnection().execute(`select master_key_id, count(*)::int as n from webhook_endpoint group by 1`);
    const newKeyring = new StaticKeyring(newKey);
    expect(rows).toEqual([{ master_key_id: newKeyring.current().id, n: 2 }]);

    // A server with only the new key sends every endpoint its deliveries, signed with the secret the admin stored before.
    const webhooks = startWebhooks({
      orm: app.orm,
      keyring: newKeyring,
      clock: () => app.now(),
      logger: createLogger('silent'),
      production: false,
      autoStart: false,
    });
    await webhooks.dispatcher.enqueue({
      id: '42',
      type: DomainEventType.CUSTOMER_BANNED,
      occurredAt: app.now().toJSDate(),
      ticketId: null,
      customerId: null,
      team: null,
      actor: { kind: 'SYSTEM', id: null },
      staffOnly: false,
      data: { reason: 'FRAUD' },
    });
    expect(await webhooks.dispatcher.runDue()).toBe(2);
    await webhooks.dispatcher.stop();
    const now = Math.floor(app.now().toSeconds());
    // Each delivery verifies with exactly one of the two secrets (each endpoint its own).
    const verifiedBy = received.map((r) => secrets.filter((secret) => verifyWebhook(secret, r, r.body, now)).length);
    expect(verifiedBy).toEqual([1, 1]);
    expect(new Set(received.map((r) => secrets.findIndex((secret) => verifyWebhook(secret, r, r.body, now)))).size).toBe(2);

    const again = await runCli(['server/cli/rotate-master-key.ts'], { DATABASE_URL: app.databaseUrl, VAULT_MASTER_KEY: newKey.toString('base64') });
    expect(again.code).toBe(0);
    expect(again.text).toContain('Re-wrapped 0 webhook signing secret(s)');
    // Two runs of the command, each a Node process compiling TypeScript: slow on a loaded machine.
  }, 180_000);
});
