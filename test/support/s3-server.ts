import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A real S3-compatible server for tests: Ceph's RADOS Gateway (Debian's `radosgw`) on a
 * one-node Ceph cluster made for the test (one monitor, one OSD keeping its objects in memory),
 * on 127.0.0.1. It checks every request's AWS Signature V4 against the user's secret key.
 */
export const CEPH_BINARIES = ['ceph-mon', 'ceph-osd', 'radosgw', 'radosgw-admin', 'ceph', 'ceph-authtool', 'monmaptool'];

export function cephAvailable(): boolean {
  return CEPH_BINARIES.every((name) => ['/usr/bin', '/usr/sbin', '/usr/local/bin'].some((dir) => existsSync(path.join(dir, name))));
}

export interface S3Server {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Stops the gateway only: the bucket's server is then down (the cluster keeps its objects). */
  stopGateway(): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} did not come up within ${timeoutMs / 1000} s`);
}

export async function startS3Server(): Promise<S3Server> {
  const dir = mkdtempSync(path.join(tmpdir(), 'desk-ceph-'));
  const [monPort, rgwPort] = [await freePort(), await freePort()];
  const conf = path.join(dir, 'ceph.conf');
  for (const sub of ['mon/a', 'osd/0', 'run', 'log']) mkdirSync(path.join(dir, sub), { recursive: true });
  const fsid = randomUUID();
  writeFileSync(
    conf,
    [
      '[global]',
      `fsid = ${fsid}`,
      `mon host = v2:127.0.0.1:${monPort}`,
      `keyring = ${dir}/keyring`,
      `run dir = ${dir}/run`,
      `log file = ${dir}/log/$name.log`,
      `admin socket = ${dir}/run/$name.asok`,
      'ms bind ipv6 = false',
      // One OSD: every pool keeps one copy, and nothing warns about it.
      'osd pool default size = 1',
      'osd pool default min size = 1',
      'mon allow pool size one = true',
      'mon warn on pool no redundancy = false',
      'osd pool default pg autoscale mode = off',
      'osd pool default pg num = 8',
      'osd pool default pgp num = 8',
      '[mon]',
      `mon data = ${dir}/mon/$id`,
      '[osd]',
      `osd data = ${dir}/osd/$id`,
      `keyring = ${dir}/osd/$id/keyring`,
      'osd objectstore = memstore',
      'memstore device bytes = 536870912',
      '[client.admin]',
      `rgw frontends = beast endpoint=127.0.0.1:${rgwPort}`,
      `rgw data = ${dir}/rgw`,
      '',
    ].join('\n'),
  );
  const c = ['-c', conf];
  const children: ChildProcess[] = [];
  const daemon = (command: string, args: string[]) => {
    const child = spawn(command, [...c, ...args, '-f'], { stdio: 'ignore' });
    children.push(child);
    return child;
  };
  const stop = async () => {
    for (const child of children.reverse()) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', () => {
    for (const child of children) child.kill('SIGKILL');
  });
  try {
    await run('ceph-authtool', ['--create-keyring', `${dir}/keyring`, '--gen-key', '-n', 'mon.', '--cap', 'mon', 'allow *']);
    await run('ceph-authtool', [
      `${dir}/keyring`,
      '--gen-key',
      '-n',
      'client.admin',
      '--cap',
      'mon',
      'allow *',
      '--cap',
      'osd',
      'allow *',
      '--cap',
      'mgr',
      'allow *',
    ]);
    await run('monmaptool', ['--create', '--addv', 'a', `[v2:127.0.0.1:${monPort}]`, '--fsid', fsid, `${dir}/monmap`]);
    await run('ceph-mon', [...c, '--mkfs', '-i', 'a', '--monmap', `${dir}/monmap`, '--keyring', `${dir}/keyring`]);
    daemon('ceph-mon', ['-i', 'a']);
    const osdUuid = randomUUID();
    const { stdout: osdId } = await run('ceph', [...c, '--connect-timeout', '30', 'osd', 'new', osdUuid]);
    const id = osdId.trim();
    await run('ceph-authtool', ['--create-keyring', `${dir}/osd/${id}/keyring`, '--gen-key', '-n', `osd.${id}`]);
    await run('ceph', [...c, 'auth', 'add', `osd.${id}`, 'osd', 'allow *', 'mon', 'allow profile osd', '-i', `${dir}/osd/${id}/keyring`]);
    await run('ceph-osd', [...c, '-i', id, '--mkfs', '--osd-uuid', osdUuid]);
    daemon('ceph-osd', ['-i', id]);
    const gateway = daemon('radosgw', ['-n', 'client.admin']);
    const endpoint = `http://127.0.0.1:${rgwPort}`;
    await until('radosgw', async () => (await fetch(endpoint)).status < 500, 90_000);
    const accessKeyId = `DESK${randomBytes(8).toString('hex').toUpperCase()}`;
    const secretAccessKey = randomBytes(20).toString('base64url');
    await run('radosgw-admin', [
      ...c,
      'user',
      'create',
      '--uid=desk',
      '--display-name=Support desk',
      `--access-key=${accessKeyId}`,
      `--secret=${secretAccessKey}`,
    ]);
    return {
      endpoint,
      region: 'us-east-1',
      accessKeyId,
      secretAccessKey,
      async stopGateway() {
        if (gateway.exitCode !== null || gateway.signalCode !== null) return;
        const exited = new Promise((resolve) => gateway.once('exit', resolve));
        gateway.kill('SIGKILL');
        await exited;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
