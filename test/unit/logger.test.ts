import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../server/app/logger';

function capture() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger('info', sink), lines };
}

describe('logs keep no secrets and no merchant text', () => {
  it('a database error is logged by SQLSTATE and table, without its SQL and values', () => {
    const { logger, lines } = capture();
    const error = Object.assign(new Error(`insert into "ticket" ("subject") values ('My shop password is Hunter2') - duplicate key value`), {
      name: 'UniqueConstraintViolationException',
      code: '23505',
      table: 'ticket',
      constraint: 'ticket_serial_unique',
    });
    logger.error({ err: error }, 'unexpected error');
    const entry = JSON.parse(lines[0]!);
    expect(entry.err).toMatchObject({ message: 'database error 23505', code: '23505', table: 'ticket', constraint: 'ticket_serial_unique' });
    expect(lines[0]).not.toContain('Hunter2');
  });

  it('other errors keep their message and stack', () => {
    const { logger, lines } = capture();
    logger.error({ err: new Error('the vault key file is missing') }, 'boom');
    expect(JSON.parse(lines[0]!).err.message).toBe('the vault key file is missing');
  });

  it('authorization headers, tokens and passwords are redacted by path', () => {
    const { logger, lines } = capture();
    logger.info({ req: { headers: { authorization: 'Bearer ocm_secret' } }, input: { password: 'p4ss' }, token: 'ocs_x' }, 'request');
    expect(lines[0]).not.toMatch(/ocm_secret|p4ss|ocs_x/);
  });
});
