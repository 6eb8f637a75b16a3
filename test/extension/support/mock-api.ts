// A canned stand-in for the support desk's GraphQL API, for the PHP library tests: answers by
// operationName, records what it received, and offers slow, broken and non-GraphQL addresses.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  authorization: string | undefined;
  operationName: string;
  query: string;
  variables: any;
}

/** Answers one operation; `path` is the request's path (one mock can play several APIs by path). */
export type Answer = (variables: any, path: string) => unknown;

const RAW = Symbol('raw reply');

/** An answer sent as is instead of `{ data }`: GraphQL errors, or an HTTP status with any body. */
export function raw(body: unknown, status = 200): unknown {
  return { [RAW]: { body, status } };
}

export class MockApi {
  readonly received: Received[] = [];
  private server!: Server;
  url = '';

  constructor(private readonly answers: Record<string, Answer>) {}

  async start(): Promise<void> {
    this.server = createServer(async (req, res) => {
      const body = await read(req);
      if (req.url === '/slow') {
        setTimeout(() => res.end('{"data":{}}'), 3000).unref();
        return;
      }
      if (req.url === '/html') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>');
      if (req.url === '/broken') return void res.writeHead(500).end('oops');
      const json = JSON.parse(body || '{}');
      this.received.push({
        path: req.url ?? '',
        authorization: req.headers.authorization,
        operationName: json.operationName,
        query: json.query,
        variables: json.variables,
      });
      if (req.headers.authorization === 'Bearer key-banned') {
        // What the API answers for every key of a banned account (test/api/ban-message.test.ts).
        return void res.writeHead(401, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            errors: [
              {
                message: 'This account is banned permanently: its API keys no longer work and it cannot be reopened.',
                extensions: { code: 'UNAUTHENTICATED', reason: 'ACCOUNT_BANNED' },
              },
            ],
          }),
        );
      }
      if (!req.headers.authorization?.startsWith('Bearer key-good')) {
        return void res
          .writeHead(401, { 'content-type': 'application/json' })
          .end(JSON.stringify({ errors: [{ message: 'Unknown API key', extensions: { code: 'UNAUTHENTICATED' } }] }));
      }
      const answer: Answer | undefined = this.answers[json.operationName];
      const result = answer === undefined ? undefined : (answer(json.variables, req.url ?? '') as any);
      if (result && typeof result === 'object' && RAW in result) {
        const { body: rawBody, status } = result[RAW] as { body: unknown; status: number };
        return void res.writeHead(status, { 'content-type': 'application/json' }).end(typeof rawBody === 'string' ? rawBody : JSON.stringify(rawBody));
      }
      const reply = answer === undefined ? { data: null, errors: [{ message: `No canned answer for ${json.operationName}` }] } : { data: result };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  calls(operationName: string): Received[] {
    return this.received.filter((r) => r.operationName === operationName);
  }
}

function read(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (data += c));
    req.on('end', () => resolve(data));
  });
}

/** A TCP port nobody listens on. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

/** A ticket as the API lists it, for canned answers. */
export const cannedTicket = (id: string, status = 'OPEN') => ({
  id,
  number: `OC-${id}`,
  subject: 'Checkout broken',
  status,
  category: 'BUG_FIX',
  coverage: 'COVERED',
  createdAt: '2026-01-05T10:00:00.000Z',
  firstReplyDueAt: '2026-01-05T14:00:00.000Z',
  resolutionDueAt: null,
  unreadMessageCount: 0,
});
