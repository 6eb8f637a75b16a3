// A stand-in OpenCart admin served by real PHP (`php -S 127.0.0.1:<port> test/extension/php/router.php`):
// the module's shell page, its built bundle and its JSON endpoint, with the store's tables in a JSON file.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PHP, PHP_DIR } from './php';

export interface StoreOptions {
  apiUrl: string;
  apiKey: string;
  timezone?: string;
  canModify?: boolean;
  version?: string;
  errorLog?: string;
  /** The 4.x login-security setting that is on (config_security, config_user_2fa). */
  loginSecurity?: string;
}

export interface Store {
  url: string;
  token: string;
  shellUrl: string;
  state: string;
  output: () => string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

export async function startStore(options: StoreOptions): Promise<Store> {
  const state = mkdtempSync(join(tmpdir(), 'ocsd-store-'));
  const token = 'tok' + Math.random().toString(36).slice(2, 14);
  writeFileSync(
    join(state, 'db.json'),
    JSON.stringify({
      oc_user: [{ user_id: '1', user_group_id: '1', username: 'admin', firstname: 'John', lastname: 'Doe', status: '1' }],
      oc_user_group: [
        {
          user_group_id: '1',
          name: 'Administrator',
          permission: '{"access":["extension/module/oc_support_desk"],"modify":["extension/module/oc_support_desk"]}',
        },
      ],
      oc_extension: [{ extension_id: '1', type: 'module', code: 'oc_support_desk' }],
      oc_modification: [],
      oc_setting: [],
      oc_oc_support_desk_access: [],
    }),
  );
  writeFileSync(
    join(state, 'settings.json'),
    JSON.stringify({ module_oc_support_desk_endpoint: options.apiUrl, module_oc_support_desk_api_key: options.apiKey, module_oc_support_desk_status: '1' }),
  );
  let logs: string | undefined;
  if (options.errorLog) {
    logs = join(state, 'logs');
    mkdirSync(logs);
    writeFileSync(join(logs, 'error.log'), options.errorLog);
  }
  const port = await freePort();
  const child: ChildProcess = spawn(PHP, ['-d', 'display_errors=stderr', '-S', `127.0.0.1:${port}`, join(PHP_DIR, 'router.php')], {
    env: {
      ...process.env,
      OCSD_STATE: state,
      OCSD_TOKEN: token,
      OCSD_MODIFY: options.canModify === false ? '0' : '1',
      OCSD_TIMEZONE: options.timezone ?? 'Europe/Berlin',
      OCSD_VERSION: options.version ?? '3.0.4.0',
      ...(logs ? { OCSD_LOGS: logs } : {}),
      ...(options.loginSecurity ? { OCSD_LOGIN_SECURITY: options.loginSecurity } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c) => (output += c));
  child.stderr!.on('data', (c) => (output += c));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`${url}/admin/index.php?route=none`);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    url,
    token,
    state,
    shellUrl: `${url}/admin/index.php?route=extension/module/oc_support_desk&user_token=${token}`,
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(state, { recursive: true, force: true });
    },
  };
}
