// The module reaches the API with cURL when the store has it and with PHP streams otherwise:
// both transports, run by real PHP against a real HTTP server, must agree.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { closedPortUrl, MockApi } from './support/mock-api';
import { hasPhp, NO_PHP_MESSAGE, PHP_DIR, runPhpJson } from './support/php';

const NO_CURL = "the cURL transport needs PHP's curl extension (Debian: `apt-get install -y php-curl`)";

describe.skipIf(!hasPhp)(hasPhp ? 'HTTP transports (PHP)' : NO_PHP_MESSAGE, () => {
  const api = new MockApi({ Viewer: () => ({ viewer: { kind: 'CUSTOMER' } }) });
  let closed: string;
  beforeAll(async () => {
    await api.start();
    closed = await closedPortUrl();
  });
  afterAll(() => api.stop());

  it.each(['curl', 'stream'])('%s: an answer, an HTTP error, a refused port and a timeout', async (transport) => {
    const out = await runPhpJson([join(PHP_DIR, 'http.php'), transport, `${api.url}/graphql`, `${api.url}/broken`, closed, `${api.url}/slow`]);
    if (!Array.isArray(out)) {
      if (process.env.CI) throw new Error(`CI: ${NO_CURL}`);
      console.warn(`SKIPPED: ${NO_CURL}`);
      return;
    }
    const [ok, broken, refused, slow] = out;
    expect(ok).toMatchObject({ status: 200 });
    expect(JSON.parse(ok.body)).toEqual({ data: { viewer: { kind: 'CUSTOMER' } } });
    expect(api.received.at(-1)).toMatchObject({ authorization: 'Bearer key-good', operationName: 'Viewer' });
    expect(broken).toMatchObject({ status: 500, body: 'oops' });
    expect(refused).toMatchObject({ error: 'UNREACHABLE' });
    expect(slow).toMatchObject({ error: 'TIMEOUT' });
    expect(slow.seconds).toBeLessThan(2.5);
  });
});
