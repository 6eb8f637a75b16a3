import { describe, expect, it } from 'vitest';
import { ConfigError, databaseReplicaUrls, loadConfig } from '../../server/app/config';
import { ormConfig } from '../../server/app/orm';
import { replicaUnavailable } from '../../server/common/read-side';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('DATABASE_REPLICA_URLS', () => {
  it('is a list of PostgreSQL URLs separated by commas; unset, there is no replica', () => {
    const config = loadConfig({ DATABASE_REPLICA_URLS: 'postgres://reader:pw@replica-1:5432/support_desk, postgresql://reader:pw@replica-2/support_desk,' });
    expect(databaseReplicaUrls(config.DATABASE_REPLICA_URLS)).toEqual([
      'postgres://reader:pw@replica-1:5432/support_desk',
      'postgresql://reader:pw@replica-2/support_desk',
    ]);
    expect(databaseReplicaUrls(loadConfig({}).DATABASE_REPLICA_URLS)).toEqual([]);
  });

  it('refuses anything else without echoing the value, which may hold a password', () => {
    const refused = problems({ DATABASE_REPLICA_URLS: 'postgres://reader:s3cret@replica-1/db,mysql://reader:s3cret@replica-2/db' });
    expect(refused).toEqual(['DATABASE_REPLICA_URLS=(value hidden): must be postgres:// or postgresql:// URLs separated by commas']);
    expect(problems({ DATABASE_REPLICA_URLS: 'replica-1:5432' })).toHaveLength(1);
  });

  it('gives the ORM one named replica per URL and keeps every other read on the primary', () => {
    const options = ormConfig({ clientUrl: 'postgres://app@primary/db', replicaUrls: ['postgres://reader@replica-1/db', 'postgres://reader@replica-2/db'] });
    expect(options.replicas?.map((replica) => [replica.name, replica.clientUrl])).toEqual([
      ['replica-1', 'postgres://reader@replica-1/db'],
      ['replica-2', 'postgres://reader@replica-2/db'],
    ]);
    expect(options.preferReadReplicas).toBe(false);
  });
});

describe('when a replica cannot answer', () => {
  it.each([
    ['connection refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5433'), { code: 'ECONNREFUSED' })],
    ['the server shutting down', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
    ['the server starting up', Object.assign(new Error('the database system is starting up'), { code: '57P03' })],
    ['a connection exception', Object.assign(new Error('connection failure'), { code: '08006' })],
    ['a recovery conflict', Object.assign(new Error('canceling statement due to conflict with recovery'), { code: '40001' })],
    ['a connection lost mid-query', new Error('Connection terminated unexpectedly')],
    ['no connection in time', new Error('timeout exceeded when trying to connect')],
    ['the pool waiting too long', Object.assign(new Error('Knex: Timeout acquiring a connection.'), { name: 'KnexTimeoutError' })],
  ])('%s: the primary answers instead', (_case, error) => {
    expect(replicaUnavailable(error)).toBe(true);
  });

  it.each([
    ['a syntax error', Object.assign(new Error('syntax error at or near "selec"'), { code: '42601' })],
    ['a statement timeout', Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' })],
    ['a division by zero', Object.assign(new Error('division by zero'), { code: '22012' })],
  ])('%s: the error stands (the primary would fail the same way)', (_case, error) => {
    expect(replicaUnavailable(error)).toBe(false);
  });
});
