// The module's attachment plumbing in real PHP: how much one request may carry through the store's
// PHP, where downloads are fetched from, and the download itself over both HTTP transports (cURL
// and PHP streams) against a real HTTP server standing in for the API's GET /attachments/:id.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasPhp, NO_PHP_MESSAGE, runPhpJson } from './support/php';

const LIB = resolve(import.meta.dirname, '../../opencart-extension/lib/autoload.php');
const KEY = 'ocm_attachment-test-key';
const FILE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 255]);
const seen: Array<{ url: string; authorization: string | undefined; method: string }> = [];

const server = http.createServer((req, res) => {
  seen.push({ url: req.url ?? '', authorization: req.headers.authorization, method: req.method ?? '' });
  if (req.headers.authorization !== `Bearer ${KEY}`) return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"errors":[]}');
  if (req.url === '/desk/attachments/QXR0YWNobWVudDpvaw') {
    return void res.writeHead(200, { 'content-type': 'image/png', 'content-disposition': 'attachment; filename="a.png"' }).end(FILE);
  }
  res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"message":"No attachment with this ID."}]}');
});
let base = '';

function php(code: string) {
  return runPhpJson(['-r', `require ${JSON.stringify(LIB)}; use OcSupportDesk\\ApiClient; use OcSupportDesk\\Endpoint; use OcSupportDesk\\Http; ${code}`]);
}

describe.skipIf(!hasPhp)(hasPhp ? 'attachments in the module (PHP)' : NO_PHP_MESSAGE, () => {
  beforeAll(async () => {
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  it("says how many bytes of files one request may carry, from PHP's post_max_size (base64 and a margin taken off)", async () => {
    const limits = await php(
      `echo json_encode(array_map(function ($v) { return Endpoint::uploadBytes($v); }, array('8M' => '8M', '2M' => '2M', '64M' => '64M', '0' => '0', 'empty' => '', '512K' => '512K', '1G' => '1G')));`,
    );
    expect(limits).toEqual({
      '8M': Math.floor((8 * 1024 * 1024 - 65536) * 0.75),
      '2M': Math.floor((2 * 1024 * 1024 - 65536) * 0.75),
      '64M': 10 * 1024 * 1024,
      '0': 10 * 1024 * 1024,
      empty: 10 * 1024 * 1024,
      '512K': Math.floor((512 * 1024 - 65536) * 0.75),
      '1G': 10 * 1024 * 1024,
    });
  });

  it('fetches downloads beside the GraphQL endpoint, whatever folder the API is served from', async () => {
    const urls = await php(
      `echo json_encode(array(ApiClient::attachmentUrl('https://desk.example.com/graphql', 'QXR0'), ApiClient::attachmentUrl('https://example.com:8443/support/graphql', 'QXR0'), ApiClient::attachmentUrl('http://127.0.0.1:4000/graphql', 'a-b_c')));`,
    );
    expect(urls).toEqual([
      'https://desk.example.com/attachments/QXR0',
      'https://example.com:8443/support/attachments/QXR0',
      'http://127.0.0.1:4000/attachments/a-b_c',
    ]);
  });

  it.each([
    ['cURL', 'true'],
    ['PHP streams', 'false'],
  ])('downloads a file with the stored key over %s: bytes and type as sent, 404 as null, a refused key as an error', async (_name, curl) => {
    seen.length = 0;
    const out = await php(`
      $client = new ApiClient('${base}/desk/graphql', '${KEY}', array(), new Http(${curl}), 5);
      $file = $client->download('QXR0YWNobWVudDpvaw');
      $missing = $client->download('QXR0YWNobWVudDpubw');
      $badId = $client->download('../../graphql?x=1');
      $refused = null;
      try { (new ApiClient('${base}/desk/graphql', 'ocm_wrong', array(), new Http(${curl}), 5))->download('QXR0YWNobWVudDpvaw'); } catch (\\OcSupportDesk\\ApiException $e) { $refused = $e->kind; }
      echo json_encode(array('type' => $file['contentType'], 'bytes' => base64_encode($file['bytes']), 'missing' => $missing, 'badId' => $badId, 'refused' => $refused));
    `);
    expect(out).toEqual({ type: 'image/png', bytes: FILE.toString('base64'), missing: null, badId: null, refused: 'UNAUTHENTICATED' });
    // The bad ID never left the store; every request was a GET with the key to /attachments/.
    expect(seen.map((r) => [r.method, r.url])).toEqual([
      ['GET', '/desk/attachments/QXR0YWNobWVudDpvaw'],
      ['GET', '/desk/attachments/QXR0YWNobWVudDpubw'],
      ['GET', '/desk/attachments/QXR0YWNobWVudDpvaw'],
    ]);
  });
});
