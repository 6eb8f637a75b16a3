import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../server/app/logger';
import { closeInOrder } from '../../server/app/runtime';

describe('stopping the background work', () => {
  it('runs every step in order even when one fails, then names the failed step', async () => {
    const lines: string[] = [];
    const logger = createLogger(
      'info',
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const ran: string[] = [];
    const step = (name: string, fail = false) =>
      [
        name,
        async () => {
          ran.push(name);
          if (fail) throw new Error('Connection terminated unexpectedly');
        },
      ] as const;
    await expect(closeInOrder(logger, [step('events'), step('job queue', true), step('connection pool'), step('database')])).rejects.toThrow(
      'could not stop cleanly: job queue: Connection terminated unexpectedly',
    );
    // The pool and the database still stop: nothing is left running behind a failed step.
    expect(ran).toEqual(['events', 'job queue', 'connection pool', 'database']);
    expect(lines.join('')).toContain('could not stop the job queue cleanly');
    await expect(closeInOrder(logger, [step('events'), step('database')])).resolves.toBeUndefined();
  });
});
