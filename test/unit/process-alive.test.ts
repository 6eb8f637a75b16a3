import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { isAlive } from '../../server/app/database';

describe('whether a process still runs (the embedded PostgreSQL is watched by its pid)', () => {
  it('a running process is alive; one that ended is not, even while its parent has not collected it', async () => {
    // The shell's background child ends at once; the shell then becomes `sleep`, which never collects it.
    const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const [chunk] = (await once(parent.stdout!, 'data')) as [Buffer];
      const ended = Number(chunk.toString().trim());
      expect(isAlive(parent.pid!)).toBe(true);
      let seen = true;
      for (let waited = 0; waited < 5_000 && seen; waited += 50) {
        await sleep(50);
        seen = isAlive(ended);
      }
      expect(seen).toBe(false);
      // The pid is still there for signal 0: it is a zombie, not a reused or vanished pid.
      expect(() => process.kill(ended, 0)).not.toThrow();
    } finally {
      parent.kill('SIGKILL');
    }
    await once(parent, 'exit').catch(() => {});
    expect(isAlive(parent.pid!)).toBe(false);
  });
});
