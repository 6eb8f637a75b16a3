import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { FtpSrv } from 'ftp-srv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idOfType } from '../../server/common/global-id';
import { findFreePort } from '../../server/common/ports';
import type { AccessFields } from '../../server/modules/vault/access-rules';
import type { Viewer } from '../../server/modules/viewer/viewer';
import { FileKeyring, readKeyFile, StaticKeyring, writeKeyFile } from '../../server/modules/vault/keyring';
import { TicketAccess } from '../../server/modules/vault/ticket-access.entity';
import { shredDueAccess, startVaultJobs } from '../../server/modules/vault/vault.jobs';
import { refuseForeignKeys } from '../../server/modules/vault/vault.runtime';
import {
  AccessSecretField,
  AccessShredReason,
  AccessState,
  AccessVerificationOutcome,
  FileAuthMethod,
  FileProtocol,
  StoredAccessState,
  TicketCategory,
  TicketStatus,
  UserErrorCode,
  type TicketAccessInput,
} from '../sdk/generated';
import { createMerchant, createStaff, createTestApp, type Merchant, type TestApp } from '../support/test-app';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);

const ADMIN_PASSWORD = `admin-${randomBytes(6).toString('hex')}`;
const FTP_USER = 'shop-ftp';
const FTP_PASSWORD = `ftp-${randomBytes(6).toString('hex')}`;
const SFTP_USER = 'shop-sftp';
const SFTP_PASSWORD = `sftp-${randomBytes(6).toString('hex')}`;

let app: TestApp;
let merchant: Merchant;
let agent: Awaited<ReturnType<typeof createStaff>>;
let otherAgent: Awaited<ReturnType<typeof createStaff>>;
let ftp: { port: number; close(): Promise<void> };
let sftp: { port: number; clientKey: string; close(): Promise<void> };
let closedPort: number;

beforeAll(async () => {
  [app, ftp, sftp, closedPort] = await Promise.all([createTestApp(), startFtpServer(), startSftpServer(), findFreePort()]);
  merchant = await createMerchant(app);
  agent = await createStaff(app, 'AGENT');
  otherAgent = await createStaff(app, 'AGENT');
});
afterAll(async () => {
  await Promise.all([app?.close(), ftp?.close(), sftp?.close()]);
});

// ---------- real servers on 127.0.0.1 ----------

const quietLog = { child: () => quietLog, trace() {}, debug() {}, info() {}, warn() {}, error() {}, fatal() {} };

async function startFtpServer() {
  const port = await findFreePort();
  const root = mkdtempSync(path.join(os.tmpdir(), 'vault-ftp-'));
  const server = new FtpSrv({ url: `ftp://127.0.0.1:${port}`, pasv_url: '127.0.0.1', anonymous: false, log: quietLog, greeting: 'test FTP' });
  server.on('login', ({ username, password }, resolve, reject) => {
    if (username === FTP_USER && password === FTP_PASSWORD) resolve({ root });
    else reject(new Error('bad login'));
  });
  await server.listen();
  return {
    port,
    close: async () => {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** An SSH server (ssh2's own) that accepts one password and one public key, with the SFTP subsystem. */
async function startSftpServer() {
  const { Server, utils } = require('ssh2');
  const hostKey = utils.generateKeyPairSync('ed25519').private;
  const client = utils.generateKeyPairSync('ed25519');
  const allowed = utils.parseKey(client.public);
  const server = new Server({ hostKeys: [hostKey] }, (conn: any) => {
    conn.on('error', () => {});
    conn.on('authentication', (ctx: any) => {
      if (ctx.username === SFTP_USER && ctx.method === 'password' && ctx.password === SFTP_PASSWORD) return ctx.accept();
      if (
        ctx.username === SFTP_USER &&
        ctx.method === 'publickey' &&
        ctx.key.algo === allowed.type &&
        Buffer.compare(ctx.key.data, allowed.getPublicSSH()) === 0
      ) {
        if (!ctx.signature || allowed.verify(ctx.blob, ctx.signature, ctx.hashAlgo)) return ctx.accept();
      }
      ctx.reject(['password', 'publickey']);
    });
    conn.on('ready', () => {
      conn.on('session', (acceptSession: () => any) => {
        const session = acceptSession();
        session.on('sftp', (acceptSftp: () => any) => {
          const stream = acceptSftp();
          stream.on('REALPATH', (id: number) => stream.name(id, [{ filename: '/', longname: '/', attrs: {} }]));
        });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    clientKey: client.private as string,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// ---------- helpers ----------

function ftpAccess(overrides: Partial<TicketAccessInput['fileAccess']> = {}): TicketAccessInput {
  return {
    storeAdmin: { url: 'https://shop.example.com/admin', username: 'support-admin', password: ADMIN_PASSWORD },
    fileAccess: {
      protocol: FileProtocol.Ftp,
      host: '127.0.0.1',
      port: ftp.port,
      username: FTP_USER,
      password: FTP_PASSWORD,
      rootPath: '/public_html',
      ...overrides,
    },
  };
}

async function ticketWithAccess(access: TicketAccessInput = ftpAccess(), who: Merchant = merchant) {
  const { ticketCreate } = await who.sdk.TicketCreateWithAccess({
    input: { subject: 'Checkout is blank', description: 'The checkout page shows a blank screen for guests.', category: TicketCategory.BugFix, access },
  });
  expect(ticketCreate.userErrors).toEqual([]);
  return ticketCreate;
}

async function detail(id: string, sdk = merchant.sdk) {
  const { node } = await sdk.TicketAccessDetail({ id });
  if (node?.__typename !== 'Ticket') throw new Error('not a ticket');
  return node;
}

async function row(ticketId: string): Promise<Record<string, any>> {
  const [found] = await app.orm.em
    .getConnection()
    .execute(`select a.* from ticket_access a join ticket t on t.id = a.ticket_id where t.serial = (select serial from ticket where id = ?)`, [
      idOfType(ticketId, 'Ticket'),
    ]);
  return found;
}

async function shredDue(at = app.now()) {
  return shredDueAccess(app.orm.em.fork(), at.toJSDate(), app.vault.shredDelayDays);
}

// ---------- the life cycle ----------

describe('provide → verify → reveal → resolve → shred, on the real database', () => {
  let ticketId: string;

  it('a ticket filed with access opens at once; the merchant sees where and as whom, never a secret', async () => {
    const created = await ticketWithAccess();
    const ticket = created.ticket!;
    ticketId = ticket.id;
    expect(ticket.status).toBe(TicketStatus.Open);
    expect(ticket.accessState).toBe(AccessState.Provided);
    expect(ticket.sla.running).toBe(true);
    expect(created.notices.map((n) => n.code)).not.toContain('ACCESS_REQUIRED');
    expect(ticket.access).toMatchObject({
      state: StoredAccessState.Stored,
      protocol: FileProtocol.Ftp,
      authMethod: FileAuthMethod.Password,
      storeAdmin: { url: 'https://shop.example.com/admin', username: 'support-admin' },
      fileAccess: { host: '127.0.0.1', port: ftp.port, username: FTP_USER, rootPath: '/public_html' },
      revealedCount: 0,
      shredAfter: null,
      verification: null,
    });
    expect(JSON.stringify(created)).not.toContain(ADMIN_PASSWORD);
    expect(JSON.stringify(created)).not.toContain(FTP_PASSWORD);

    // In the database: ciphertext, a wrapped data key and the master key's id; no plaintext.
    const stored = await row(ticketId);
    expect(stored.master_key_id).toBe(app.vault.keyring.current().id);
    for (const column of ['wrapped_data_key', 'sealed_profile', 'sealed_secrets']) {
      expect(Buffer.isBuffer(stored[column]) && stored[column].length).toBeGreaterThan(28);
      for (const plain of [ADMIN_PASSWORD, FTP_PASSWORD, FTP_USER, 'support-admin', 'shop.example.com']) {
        expect((stored[column] as Buffer).includes(plain)).toBe(false);
      }
    }
  });

  it('no query can return a secret: the access types have no password, key or value field', async () => {
    const { body } = await app.raw(`{ __schema { types { name fields { name } } } }`, {}, merchant.token);
    const types = body.data!.__schema.types as Array<{ name: string; fields: Array<{ name: string }> | null }>;
    for (const name of ['TicketAccess', 'StoreAdminAccess', 'FileAccess', 'AccessVerification', 'AccessReveal', 'Ticket']) {
      const fields = types.find((t) => t.name === name)!.fields!.map((f) => f.name);
      expect(fields.filter((f) => /password|privatekey|secret|value|cipher|wrapped|sealed/i.test(f))).toEqual([]);
    }
  });

  it('verify logs in for real: right password OK, wrong password AUTH_FAILED, closed port UNREACHABLE', async () => {
    const ok = await merchant.sdk.TicketAccessVerify({ input: { ticketId } });
    expect(ok.ticketAccessVerify.userErrors).toEqual([]);
    expect(ok.ticketAccessVerify.verification!.outcome).toBe(AccessVerificationOutcome.Ok);
    expect(ok.ticketAccessVerify.ticket!.access!.verification).toEqual(ok.ticketAccessVerify.verification);

    const wrong = await merchant.sdk.TicketAccessProvide({ input: { ticketId, ...ftpAccess({ password: 'not-the-password' }) } });
    expect(wrong.ticketAccessProvide.userErrors).toEqual([]);
    expect(wrong.ticketAccessProvide.ticket!.access!.verification).toBeNull();
    const refused = await agent.sdk.TicketAccessVerify({ input: { ticketId } });
    expect(refused.ticketAccessVerify.verification!.outcome).toBe(AccessVerificationOutcome.AuthFailed);

    await merchant.sdk.TicketAccessProvide({ input: { ticketId, ...ftpAccess({ port: closedPort }) } });
    const unreachable = await merchant.sdk.TicketAccessVerify({ input: { ticketId } });
    expect(unreachable.ticketAccessVerify.verification!.outcome).toBe(AccessVerificationOutcome.Unreachable);

    const restored = await merchant.sdk.TicketAccessProvide({ input: { ticketId, ...ftpAccess() } });
    expect(restored.ticketAccessProvide.ticket!.status).toBe(TicketStatus.Open);
    const events = (await detail(ticketId)).events.edges.map((e) => e.node.action);
    expect(events.filter((a) => a === 'ACCESS_REPLACED')).toHaveLength(3);
    expect(events.filter((a) => a === 'ACCESS_VERIFIED')).toHaveLength(3);
  });

  it('reveal: only the assigned agent or an admin, one field at a time, each reveal audited and shown to the merchant', async () => {
    const asMerchant = await app.raw(
      `mutation($i: TicketAccessRevealInput!) { ticketAccessReveal(input: $i) { secret { value } } }`,
      { i: { ticketId, field: 'STORE_ADMIN_PASSWORD' } },
      merchant.token,
    );
    expect(asMerchant.body.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    expect(JSON.stringify(asMerchant.body)).not.toContain(ADMIN_PASSWORD);

    const unassigned = await agent.sdk.TicketAccessReveal({ input: { ticketId, field: AccessSecretField.StoreAdminPassword } });
    expect(unassigned.ticketAccessReveal.userErrors[0]!.code).toBe(UserErrorCode.Forbidden);
    expect(unassigned.ticketAccessReveal.secret).toBeNull();

    await app.admin.TicketAssign({ input: { ticketId, assigneeId: agent.id } });
    const adminPassword = await agent.sdk.TicketAccessReveal({ input: { ticketId, field: AccessSecretField.StoreAdminPassword } });
    expect(adminPassword.ticketAccessReveal.userErrors).toEqual([]);
    expect(adminPassword.ticketAccessReveal.secret).toEqual({ field: AccessSecretField.StoreAdminPassword, value: ADMIN_PASSWORD });
    const stillNot = await otherAgent.sdk.TicketAccessReveal({ input: { ticketId, field: AccessSecretField.FilePassword } });
    expect(stillNot.ticketAccessReveal.userErrors[0]!.code).toBe(UserErrorCode.Forbidden);
    const filePassword = await app.admin.TicketAccessReveal({ input: { ticketId, field: AccessSecretField.FilePassword } });
    expect(filePassword.ticketAccessReveal.secret!.value).toBe(FTP_PASSWORD);
    const noKey = await app.admin.TicketAccessReveal({ input: { ticketId, field: AccessSecretField.FilePrivateKey } });
    expect(noKey.ticketAccessReveal.userErrors[0]).toMatchObject({ code: UserErrorCode.NotFound, field: ['input', 'field'] });

    const seen = await detail(ticketId);
    expect(seen.access!.revealedCount).toBe(2);
    expect(seen.access!.lastRevealedAt).not.toBeNull();
    expect(seen.access!.reveals.map((r) => r.field)).toEqual([AccessSecretField.FilePassword, AccessSecretField.StoreAdminPassword]);
    expect(seen.access!.reveals[1]!.staffMember!.id).toBe(agent.id);
    const reveals = seen.events.edges.map((e) => e.node).filter((e) => e.action === 'ACCESS_REVEALED');
    expect(reveals).toHaveLength(2);
    expect(reveals[0]).toMatchObject({ actorKind: 'STAFF', actorStaff: { id: agent.id } });
  });

  it('resolution asks the merchant to disable the access and schedules its shredding 7 days later', async () => {
    const resolved = await agent.sdk.TicketStatusChange({ input: { ticketId, status: TicketStatus.Resolved } });
    expect(resolved.ticketStatusChange.userErrors).toEqual([]);
    expect(resolved.ticketStatusChange.notices.map((n) => n.code)).toContain('DISABLE_ACCESS');
    const seen = await detail(ticketId);
    expect(seen.disableAccessRequested).toBe(true);
    expect(seen.access!.state).toBe(StoredAccessState.ShredScheduled);
    // Seven days of 24 hours, whatever the daylight-saving changes in between.
    expect(Date.parse(seen.access!.shredAfter!)).toBe(app.now().toMillis() + 7 * 86_400_000);
    expect(seen.events.edges.map((e) => e.node.action)).toEqual(expect.arrayContaining(['ACCESS_DISABLE_REQUESTED', 'ACCESS_SHRED_SCHEDULED']));
  });

  it('once resolved, nobody opens the access any more, not even an agent who assigns the ticket to themselves', async () => {
    await otherAgent.sdk.TicketAssign({ input: { ticketId, assigneeId: otherAgent.id } });
    for (const who of [otherAgent.sdk, app.admin]) {
      const refused = await who.TicketAccessReveal({ input: { ticketId, field: AccessSecretField.StoreAdminPassword } });
      expect(refused.ticketAccessReveal.userErrors[0]).toMatchObject({ code: UserErrorCode.Forbidden, field: ['input', 'ticketId'] });
      expect(refused.ticketAccessReveal.userErrors[0]!.message).toContain('is resolved');
      expect(refused.ticketAccessReveal.secret).toBeNull();
    }
    expect((await detail(ticketId)).access!.revealedCount).toBe(2);
    await app.admin.TicketAssign({ input: { ticketId, assigneeId: agent.id } });
  });

  it('the shred job destroys the data key once the delay is over; then the access no longer exists', async () => {
    expect(await shredDue(app.now().plus({ days: 6 }))).toEqual({ scheduled: 0, shredded: 0 });
    expect((await row(ticketId)).wrapped_data_key).not.toBeNull();

    app.setNow(app.now().plus({ hours: 7 * 24, minutes: 1 }));
    expect(await shredDue()).toEqual({ scheduled: 0, shredded: 1 });
    const stored = await row(ticketId);
    expect(stored).toMatchObject({
      wrapped_data_key: null,
      sealed_profile: null,
      sealed_secrets: null,
      master_key_id: null,
      shred_reason: 'RESOLVED_DELAY_ELAPSED',
    });

    const gone = await app.admin.TicketAccessReveal({ input: { ticketId, field: AccessSecretField.StoreAdminPassword } });
    expect(gone.ticketAccessReveal.userErrors[0]!.code).toBe(UserErrorCode.AccessShredded);
    expect(gone.ticketAccessReveal.userErrors[0]!.message).toMatch(/no longer exists/);
    const verify = await merchant.sdk.TicketAccessVerify({ input: { ticketId } });
    expect(verify.ticketAccessVerify.userErrors[0]!.code).toBe(UserErrorCode.AccessShredded);
    const seen = await detail(ticketId);
    expect(seen.access).toMatchObject({
      state: StoredAccessState.Shredded,
      shredReason: AccessShredReason.ResolvedDelayElapsed,
      storeAdmin: null,
      fileAccess: null,
    });
    expect(seen.access!.shreddedAt).not.toBeNull();
  });

  it('a reopened ticket asks for access again, and new access opens it', async () => {
    const reply = await merchant.sdk.TicketReply({ input: { ticketId, body: 'The problem is back after the last update.' } });
    expect(reply.ticketReply.ticket!.status).toBe(TicketStatus.AwaitingAccess);
    expect(reply.ticketReply.ticket!.accessState).toBe(AccessState.Missing);
    expect(reply.ticketReply.ticket!.sla.running).toBe(false);

    const again = await merchant.sdk.TicketAccessProvide({ input: { ticketId, ...ftpAccess() } });
    expect(again.ticketAccessProvide.userErrors).toEqual([]);
    expect(again.ticketAccessProvide.ticket).toMatchObject({ status: TicketStatus.Open, accessState: AccessState.Provided });
    expect(again.ticketAccessProvide.ticket!.access).toMatchObject({ state: StoredAccessState.Stored, revealedCount: 0, shreddedAt: null, shredReason: null });
    const reveal = await agent.sdk.TicketAccessReveal({ input: { ticketId, field: AccessSecretField.FilePassword } });
    expect(reveal.ticketAccessReveal.secret!.value).toBe(FTP_PASSWORD);
  });

  it('a reopened ticket whose access was not shredded yet keeps it, and its shredding is called off', async () => {
    await agent.sdk.TicketStatusChange({ input: { ticketId, status: TicketStatus.Resolved } });
    expect((await detail(ticketId)).access!.state).toBe(StoredAccessState.ShredScheduled);
    const reopened = await agent.sdk.TicketStatusChange({ input: { ticketId, status: TicketStatus.Open } });
    expect(reopened.ticketStatusChange.ticket!.status).toBe(TicketStatus.Open);
    const seen = await detail(ticketId);
    expect(seen.access).toMatchObject({ state: StoredAccessState.Stored, shredAfter: null });
    expect(await shredDue(app.now().plus({ days: 30 }))).toEqual({ scheduled: 0, shredded: 0 });
  });
});

describe('SFTP', () => {
  it('logs in with a password or a private key against a real SSH server; a wrong password is AUTH_FAILED', async () => {
    const sftpAccess = (fileAccess: Partial<TicketAccessInput['fileAccess']>): TicketAccessInput => ({
      ...ftpAccess(),
      fileAccess: { protocol: FileProtocol.Sftp, host: '127.0.0.1', port: sftp.port, username: SFTP_USER, ...fileAccess },
    });
    const withPassword = await ticketWithAccess(sftpAccess({ password: SFTP_PASSWORD }));
    const id = withPassword.ticket!.id;
    expect((await merchant.sdk.TicketAccessVerify({ input: { ticketId: id } })).ticketAccessVerify.verification!.outcome).toBe(AccessVerificationOutcome.Ok);

    const withKey = await merchant.sdk.TicketAccessProvide({ input: { ticketId: id, ...sftpAccess({ privateKey: sftp.clientKey }) } });
    expect(withKey.ticketAccessProvide.ticket!.access!.authMethod).toBe(FileAuthMethod.PrivateKey);
    expect((await merchant.sdk.TicketAccessVerify({ input: { ticketId: id } })).ticketAccessVerify.verification!.outcome).toBe(AccessVerificationOutcome.Ok);
    const key = await app.admin.TicketAccessReveal({ input: { ticketId: id, field: AccessSecretField.FilePrivateKey } });
    expect(key.ticketAccessReveal.secret!.value).toBe(sftp.clientKey.trim());

    await merchant.sdk.TicketAccessProvide({ input: { ticketId: id, ...sftpAccess({ password: 'wrong-password' }) } });
    expect((await merchant.sdk.TicketAccessVerify({ input: { ticketId: id } })).ticketAccessVerify.verification!.outcome).toBe(
      AccessVerificationOutcome.AuthFailed,
    );
  });
});

describe('shredding at once', () => {
  // A merchant of its own: each holds ten tickets a month.
  beforeAll(async () => {
    merchant = await createMerchant(app);
  });

  it('confirming the access is disabled destroys it at once', async () => {
    const id = (await ticketWithAccess()).ticket!.id;
    await agent.sdk.TicketStatusChange({ input: { ticketId: id, status: TicketStatus.Resolved } });
    const confirmed = await merchant.sdk.TicketAccessDisabledConfirm({ input: { ticketId: id } });
    expect(confirmed.ticketAccessDisabledConfirm.userErrors).toEqual([]);
    const seen = await detail(id);
    expect(seen.disableAccessRequested).toBe(false);
    expect(seen.access).toMatchObject({ state: StoredAccessState.Shredded, shredReason: AccessShredReason.AccessDisabled });
    expect((await row(id)).wrapped_data_key).toBeNull();
    // Reopening asks for access again.
    const reply = await merchant.sdk.TicketReply({ input: { ticketId: id, body: 'It broke again, sorry.' } });
    expect(reply.ticketReply.ticket!.status).toBe(TicketStatus.AwaitingAccess);
  });

  it('a late confirmation about an admin user the merchant has replaced since keeps the new access', async () => {
    const id = (await ticketWithAccess()).ticket!.id; // logs in as support-admin
    const replaced = ftpAccess();
    replaced.storeAdmin.username = 'ocsupport_77_ab12';
    await merchant.sdk.TicketAccessProvide({ input: { ticketId: id, ...replaced } });
    const late = await merchant.sdk.TicketAccessDisabledConfirm({ input: { ticketId: id, storeAdminUsername: 'support-admin' } });
    expect(late.ticketAccessDisabledConfirm.userErrors[0]).toMatchObject({ code: UserErrorCode.Invalid, field: ['input', 'storeAdminUsername'] });
    expect((await row(id)).wrapped_data_key).not.toBeNull();
    expect((await detail(id)).status).toBe(TicketStatus.Open);
    // About the user the access does log in as (OpenCart ignores case): destroyed at once.
    const current = await merchant.sdk.TicketAccessDisabledConfirm({ input: { ticketId: id, storeAdminUsername: 'OCSUPPORT_77_AB12' } });
    expect(current.ticketAccessDisabledConfirm.userErrors).toEqual([]);
    expect((await row(id)).wrapped_data_key).toBeNull();
    expect((await detail(id)).status).toBe(TicketStatus.AwaitingAccess);
  });

  it('withdrawing destroys it at once and pauses the clock; only the merchant or an admin may', async () => {
    const id = (await ticketWithAccess()).ticket!.id;
    await app.admin.TicketStatusChange({ input: { ticketId: id, status: TicketStatus.InProgress } });
    const other = await createMerchant(app);
    const stranger = await other.sdk.TicketAccessWithdraw({ input: { ticketId: id } });
    expect(stranger.ticketAccessWithdraw.userErrors[0]!.code).toBe(UserErrorCode.NotFound);
    const byAgent = await agent.sdk.TicketAccessWithdraw({ input: { ticketId: id } });
    expect(byAgent.ticketAccessWithdraw.userErrors[0]!.code).toBe(UserErrorCode.Forbidden);
    const otherProvide = await other.sdk.TicketAccessProvide({ input: { ticketId: id, ...ftpAccess() } });
    expect(otherProvide.ticketAccessProvide.userErrors[0]!.code).toBe(UserErrorCode.NotFound);

    const withdrawn = await merchant.sdk.TicketAccessWithdraw({ input: { ticketId: id } });
    expect(withdrawn.ticketAccessWithdraw.userErrors).toEqual([]);
    expect(withdrawn.ticketAccessWithdraw.ticket).toMatchObject({ status: TicketStatus.AwaitingAccess, accessState: AccessState.Missing });
    expect(withdrawn.ticketAccessWithdraw.ticket!.sla.running).toBe(false);
    expect(withdrawn.ticketAccessWithdraw.ticket!.access).toMatchObject({ state: StoredAccessState.Shredded, shredReason: AccessShredReason.Withdrawn });
    const twice = await merchant.sdk.TicketAccessWithdraw({ input: { ticketId: id } });
    expect(twice.ticketAccessWithdraw.userErrors[0]!.code).toBe(UserErrorCode.NotFound);
  });

  it('banning a customer destroys all of their stored access', async () => {
    const banned = await createMerchant(app);
    const ids = [(await ticketWithAccess(ftpAccess(), banned)).ticket!.id, (await ticketWithAccess(ftpAccess(), banned)).ticket!.id];
    const ban = await app.admin.CustomerBan({ input: { customerId: banned.customerId, reason: 'ABUSE' as never, note: 'Abusive messages to staff.' } });
    expect(ban.customerBan.userErrors).toEqual([]);
    for (const id of ids) {
      expect(await row(id)).toMatchObject({ wrapped_data_key: null, sealed_secrets: null, shred_reason: 'CUSTOMER_BANNED' });
    }
  });

  it('a ban waits for access being given at that very moment (no deadlock), then destroys it too', async () => {
    const banned = await createMerchant(app);
    const created = await banned.sdk.TicketCreate({
      input: { subject: 'Waiting for access', description: 'A ticket that waits for access.', category: TicketCategory.BugFix },
    });
    const ticketId = created.ticketCreate.ticket!.id;
    const customerId = idOfType(banned.customerId, 'Customer')!;
    const connection = app.orm.em.getConnection();
    const [key] = await connection.execute('select id from merchant_api_key where customer_id = ?', [customerId]);
    const viewer: Viewer = { kind: 'customer', customerId, apiKeyId: key.id };

    // The merchant's ticketAccessProvide, paused before it writes: its transaction holds the ticket.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let paused!: () => void;
    const holding = new Promise<void>((resolve) => (paused = resolve));
    const provide = app.orm.em.fork().transactional(async (em) => {
      await app.services(em, viewer).ticketAccess.provide({ ticketId, ...(ftpAccess() as unknown as AccessFields) });
      paused();
      await gate;
      // Its writes (the access, the audit entry pointing at the customer) come while the ban waits.
    });
    await holding;

    // The ban starts meanwhile and has to wait for that ticket; then the provide writes and commits.
    const ban = app.admin.CustomerBan({ input: { customerId: banned.customerId, reason: 'ABUSE' as never, note: 'Abusive messages to staff.' } });
    for (let waiting = 0; waiting === 0; ) {
      [{ waiting }] = await connection.execute(
        `select count(*)::int as waiting from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
      );
    }
    release();
    await provide;
    expect((await ban).customerBan.userErrors).toEqual([]);
    expect(await row(ticketId)).toMatchObject({ wrapped_data_key: null, sealed_secrets: null, shred_reason: 'CUSTOMER_BANNED' });
  });
});

describe('login checks are limited per customer', () => {
  it("a customer's store access gets 10 checks in 10 minutes, even when they race; the 11th says when the next is possible", async () => {
    const owner = await createMerchant(app);
    const id = (await ticketWithAccess(ftpAccess({ port: closedPort }), owner)).ticket!.id;
    const windowStart = app.now();
    const results = await Promise.all(Array.from({ length: 14 }, () => owner.sdk.TicketAccessVerify({ input: { ticketId: id } })));
    const checked = results.filter((r) => r.ticketAccessVerify.verification);
    const refused = results.flatMap((r) => r.ticketAccessVerify.userErrors);
    expect(checked).toHaveLength(10);
    expect(checked.every((r) => r.ticketAccessVerify.verification!.outcome === AccessVerificationOutcome.Unreachable)).toBe(true);
    expect(refused).toHaveLength(4);
    const nextCheck = windowStart.plus({ minutes: 10 }).toUTC().toISO({ suppressMilliseconds: false });
    for (const error of refused) {
      expect(error).toMatchObject({ code: UserErrorCode.RateLimited, field: ['input', 'ticketId'] });
      expect(error.message).toContain(`the next check is possible at ${nextCheck}`);
    }
    // Staff checks count against the same store, so nobody can use the server to guess a password.
    expect((await agent.sdk.TicketAccessVerify({ input: { ticketId: id } })).ticketAccessVerify.userErrors[0]!.code).toBe(UserErrorCode.RateLimited);

    // Another customer's store is not held back.
    const other = await createMerchant(app);
    const otherId = (await ticketWithAccess(ftpAccess(), other)).ticket!.id;
    expect((await other.sdk.TicketAccessVerify({ input: { ticketId: otherId } })).ticketAccessVerify.verification!.outcome).toBe(AccessVerificationOutcome.Ok);

    app.setNow(windowStart.plus({ minutes: 10 }));
    const again = await owner.sdk.TicketAccessVerify({ input: { ticketId: id } });
    expect(again.ticketAccessVerify.userErrors).toEqual([]);
    expect(again.ticketAccessVerify.verification!.checkedAt).toBe(windowStart.plus({ minutes: 10 }).toUTC().toISO());
  });
});

describe('input rules', () => {
  // A merchant of its own: each holds ten tickets a month.
  beforeAll(async () => {
    merchant = await createMerchant(app);
  });

  it.each([
    ['a URL without scheme', { storeAdmin: { url: 'shop.example.com/admin' } }, ['input', 'storeAdmin', 'url']],
    ['a host with ftp://', { fileAccess: { host: 'ftp://files.my-own-shop.test' } }, ['input', 'fileAccess', 'host']],
    ['FTP without a password', { fileAccess: { password: null } }, ['input', 'fileAccess', 'password']],
    [
      'FTP with a private key',
      { fileAccess: { privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----' } },
      ['input', 'fileAccess', 'privateKey'],
    ],
    ['port 70000', { fileAccess: { port: 70000 } }, ['input', 'fileAccess', 'port']],
  ])('refuses %s, naming the field, without echoing the value', async (_name, change, field) => {
    const id = (
      await merchant.sdk.TicketCreate({ input: { subject: 'Needs access', description: 'A ticket that waits for access.', category: TicketCategory.BugFix } })
    ).ticketCreate.ticket!.id;
    const base = ftpAccess();
    const input = {
      ticketId: id,
      storeAdmin: { ...base.storeAdmin, ...(change as any).storeAdmin },
      fileAccess: { ...base.fileAccess, ...(change as any).fileAccess },
    };
    const r = await merchant.sdk.TicketAccessProvide({ input });
    expect(r.ticketAccessProvide.userErrors[0]).toMatchObject({ code: UserErrorCode.Invalid, field });
    expect(JSON.stringify(r)).not.toContain(ADMIN_PASSWORD);
    expect(r.ticketAccessProvide.userErrors[0]!.message).not.toMatch(/shop\.example\.com|my-own-shop|70000/);
  });

  it('refuses access on a closed or resolved ticket, and to staff', async () => {
    const id = (await ticketWithAccess()).ticket!.id;
    const staffProvide = await app.raw(
      `mutation($i: TicketAccessProvideInput!) { ticketAccessProvide(input: $i) { userErrors { code } } }`,
      { i: { ticketId: id, ...ftpAccess() } },
      agent.token,
    );
    expect(staffProvide.body.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    await app.admin.TicketStatusChange({ input: { ticketId: id, status: TicketStatus.Resolved } });
    const resolved = await merchant.sdk.TicketAccessProvide({ input: { ticketId: id, ...ftpAccess() } });
    expect(resolved.ticketAccessProvide.userErrors[0]!.code).toBe(UserErrorCode.InvalidTransition);
  });

  it('staff filing a ticket for a merchant cannot hand in access for them; nothing is filed', async () => {
    const customerId = (await merchant.sdk.Viewer()).viewer!.customer!.id;
    const before = (await app.admin.Tickets({ first: 100, filter: { customerId } })).tickets.totalCount;
    const filed = await app.admin.TicketCreateWithAccess({
      input: {
        customerId,
        subject: 'Filed by phone',
        description: 'The merchant called about a blank checkout.',
        category: TicketCategory.BugFix,
        access: ftpAccess(),
      },
    });
    expect(filed.ticketCreate.ticket).toBeNull();
    expect(filed.ticketCreate.userErrors[0]).toMatchObject({ code: UserErrorCode.Forbidden, field: ['input', 'access'] });
    expect(filed.ticketCreate.userErrors[0]!.message).toContain('ticketAccessWaive');
    expect((await app.admin.Tickets({ first: 100, filter: { customerId } })).tickets.totalCount).toBe(before);
  });
});

describe('background shredding on pg-boss', () => {
  // A merchant of its own: each holds ten tickets a month.
  beforeAll(async () => {
    merchant = await createMerchant(app);
  });

  it('the queued job fires by itself and shreds when the delay is over', async () => {
    const vault = app.vault;
    const jobs = await startVaultJobs({ connectionString: app.databaseUrl, orm: app.orm, vault, logger: vault.logger, pollingIntervalSeconds: 0.5 });
    const delay = vault.shredDelayDays;
    try {
      vault.shredDelayDays = 1 / 86_400; // one second
      const id = (await ticketWithAccess()).ticket!.id;
      await app.admin.TicketStatusChange({ input: { ticketId: id, status: TicketStatus.Resolved } });
      const [job] = await app.orm.em.getConnection().execute(`select count(*)::int as n from pgboss.job where name = 'vault-shred-due'`);
      expect(job.n).toBeGreaterThanOrEqual(1);
      app.setNow(app.now().plus({ minutes: 1 }));
      const deadline = Date.now() + 15_000;
      while ((await row(id)).shredded_at === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect(await row(id)).toMatchObject({ wrapped_data_key: null, shred_reason: 'RESOLVED_DELAY_ELAPSED' });
    } finally {
      vault.shredDelayDays = delay;
      await jobs.stop();
    }
  });

  it('the sweep gives a shred date to access of a ticket that was closed without a resolution', async () => {
    const id = (await ticketWithAccess()).ticket!.id;
    await app.admin.TicketStatusChange({ input: { ticketId: id, status: TicketStatus.Closed } });
    const closedAt = app.now();
    // Closing via a quote or port decision skips the hook: simulate it by clearing the date.
    await app.orm.em.getConnection().execute(`update ticket_access set shred_after = null where id = ?`, [(await row(id)).id]);
    expect(await shredDue()).toEqual({ scheduled: 1, shredded: 0 });
    expect(Date.parse((await detail(id)).access!.shredAfter!)).toBe(closedAt.toMillis() + 7 * 86_400_000);
    expect((await shredDue(closedAt.plus({ hours: 8 * 24 }))).shredded).toBeGreaterThanOrEqual(1);
    expect(await row(id)).toMatchObject({ wrapped_data_key: null, shred_reason: 'RESOLVED_DELAY_ELAPSED' });
  });
});

describe('master key rotation', () => {
  // A merchant of its own: each holds ten tickets a month.
  beforeAll(async () => {
    merchant = await createMerchant(app);
  });

  it('the command re-wraps every data key of a populated database under the new key; every secret still opens', async () => {
    const vault = app.vault;
    const oldKey = vault.keyring.current();
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push((await ticketWithAccess()).ticket!.id);
    for (const id of ids) await app.admin.TicketAssign({ input: { ticketId: id, assigneeId: agent.id } });
    const newKey = randomBytes(32);

    // The servers hold both keys during the rotation: new data keys are wrapped with the new one.
    vault.keyring = new StaticKeyring(newKey, [oldKey.key]);
    const during = (await ticketWithAccess()).ticket!.id;
    ids.push(during);
    await app.admin.TicketAssign({ input: { ticketId: during, assigneeId: agent.id } });
    const live = await app.orm.em.fork().count(TicketAccess, { shreddedAt: null });
    const onOld = await app.orm.em.fork().count(TicketAccess, { shreddedAt: null, masterKeyId: oldKey.id });
    expect(onOld).toBe(live - 1);

    const output = await runCli(['server/cli/rotate-master-key.ts'], {
      DATABASE_URL: app.databaseUrl,
      VAULT_MASTER_KEY: newKey.toString('base64'),
      VAULT_PREVIOUS_MASTER_KEYS: oldKey.key.toString('base64'),
    });
    expect(output.code).toBe(0);
    expect(output.text).toContain(`Re-wrapped ${onOld} data key(s)`);
    expect(output.text).toContain('remove VAULT_PREVIOUS_MASTER_KEYS');
    expect(output.text).not.toContain(newKey.toString('base64'));
    expect(output.text).not.toContain(oldKey.key.toString('base64'));

    const byKey = await app.orm.em.getConnection().execute(`select master_key_id, count(*)::int as n from ticket_access where shredded_at is null group by 1`);
    expect(byKey).toEqual([{ master_key_id: vault.keyring.current().id, n: live }]);

    // The old key is gone from the servers: every secret still opens with the new one alone.
    vault.keyring = new StaticKeyring(newKey);
    for (const id of ids) {
      const reveal = await agent.sdk.TicketAccessReveal({ input: { ticketId: id, field: AccessSecretField.StoreAdminPassword } });
      expect(reveal.ticketAccessReveal.secret?.value).toBe(ADMIN_PASSWORD);
    }
    const again = await runCli(['server/cli/rotate-master-key.ts'], { DATABASE_URL: app.databaseUrl, VAULT_MASTER_KEY: newKey.toString('base64') });
    expect(again.text).toContain('Re-wrapped 0 data key(s)');
  });

  it('with a key file: the command adds a new key that running servers pick up, re-wraps everything, then retires the old key', async () => {
    const vault = app.vault;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vault-rotate-'));
    try {
      const file = path.join(dir, 'vault-master.key');
      writeKeyFile(file, [vault.keyring.current().key]);
      vault.keyring = new FileKeyring(file); // the running server reads its keys from the file
      const id = (await ticketWithAccess()).ticket!.id;
      await app.admin.TicketAssign({ input: { ticketId: id, assigneeId: agent.id } });
      const before = vault.keyring.current().id;
      const env = { DATABASE_URL: app.databaseUrl, VAULT_MASTER_KEY_FILE: file };

      const rotated = await runCli(['server/cli/rotate-master-key.ts'], env);
      expect(rotated.code).toBe(0);
      expect(rotated.text).toContain('Added a new master key');
      const after = vault.keyring.current().id;
      expect(after).not.toBe(before);
      expect(readKeyFile(file)).toHaveLength(2);
      const byKey = await app.orm.em.getConnection().execute(`select distinct master_key_id from ticket_access where shredded_at is null`);
      expect(byKey).toEqual([{ master_key_id: after }]);

      const retired = await runCli(['server/cli/rotate-master-key.ts', '--retire-previous'], env);
      expect(retired.code).toBe(0);
      expect(retired.text).toContain('Removed 1 previous key(s)');
      expect(readKeyFile(file)).toHaveLength(1);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(vault.keyring.find(before)).toBeNull();
      const reveal = await agent.sdk.TicketAccessReveal({ input: { ticketId: id, field: AccessSecretField.FilePassword } });
      expect(reveal.ticketAccessReveal.secret?.value).toBe(FTP_PASSWORD);
    } finally {
      vault.keyring = new StaticKeyring(vault.keyring.current().key);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a server without the key that sealed the stored access refuses to start', async () => {
    const vault = app.vault;
    await expect(refuseForeignKeys(app.orm.em.fork(), vault.keyring)).resolves.toBeUndefined();
    await expect(refuseForeignKeys(app.orm.em.fork(), StaticKeyring.random())).rejects.toThrow(
      /sealed under master key\(s\) [0-9a-f]{16}, which this server does not have/,
    );
  });

  it('refuses a malformed key without printing it', async () => {
    const bad = `not-a-key-${randomBytes(4).toString('hex')}`;
    const output = await runCli(['server/cli/rotate-master-key.ts'], { DATABASE_URL: app.databaseUrl, VAULT_MASTER_KEY: bad });
    expect(output.code).toBe(78);
    expect(output.text).toContain('VAULT_MASTER_KEY=(value hidden): must be 32 random bytes in base64');
    expect(output.text).not.toContain(bad);
  });
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
