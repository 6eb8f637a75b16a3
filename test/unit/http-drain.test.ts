import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { HttpDrain } from '../../server/app/drain';

/** A server whose one route holds its work until `release` is called. */
async function serverWithSlowWork() {
  const app = express();
  const server = http.createServer(app);
  const drain = new HttpDrain(server);
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  let finished = false;
  app.use(drain.track);
  app.get(
    '/slow',
    drain.wrap(async (_req, res) => {
      started();
      await gate;
      finished = true;
      if (!res.destroyed) res.end('done');
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { drain, port, running, release, finished: () => finished };
}

describe('HTTP drain', () => {
  it('waits for work whose client went away, without starving the event loop, then stops', async () => {
    const s = await serverWithSlowWork();
    const request = http.get({ host: '127.0.0.1', port: s.port, path: '/slow' });
    request.on('error', () => {});
    await s.running;
    request.destroy(); // the client leaves; the work behind its request goes on

    let ticks = 0;
    const ticker = setInterval(() => (ticks += 1), 10);
    setTimeout(() => s.release(), 400);
    const started = Date.now();
    const graceful = await s.drain.stop(5_000);
    clearInterval(ticker);

    expect(s.finished()).toBe(true);
    expect(graceful).toBe(true);
    expect(Date.now() - started).toBeLessThan(2_000);
    // Timers kept running while it waited (a busy wait would leave almost none).
    expect(ticks).toBeGreaterThan(10);
  });

  it('says so when work is still running at the end of the grace period', async () => {
    const s = await serverWithSlowWork();
    const request = http.get({ host: '127.0.0.1', port: s.port, path: '/slow' });
    request.on('error', () => {});
    await s.running;
    expect(await s.drain.stop(300)).toBe(false);
    s.release();
  });

  it('an idle server stops at once and reports nothing cut off, even with no grace period', async () => {
    const s = await serverWithSlowWork();
    const started = Date.now();
    expect(await s.drain.stop(0)).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
