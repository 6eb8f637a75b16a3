import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { startEmbeddedPostgres, type RunningDatabase } from '../../server/app/database';
import { createLogger } from '../../server/app/logger';
import { openOrm, prepareDatabase } from '../../server/app/runtime';
import { findFreePort } from '../../server/common/ports';

export const TEMPLATE_DB = 'support_desk_template';

/**
 * One real PostgreSQL for the whole run (embedded, or TEST_DATABASE_URL's server). The schema
 * is migrated once into a template database; each test file clones it in milliseconds.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let database: RunningDatabase;
  let dataDir: string | null = null;
  if (process.env.TEST_DATABASE_URL) {
    database = { url: process.env.TEST_DATABASE_URL, embedded: false, stop: async () => {} };
  } else {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'support-desk-test-'));
    database = await startEmbeddedPostgres({ dataDir, port: await findFreePort(), logger: createLogger('warn') });
  }
  const admin = new URL(database.url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB}`);
  await client.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  await client.end();

  const templateUrl = new URL(database.url);
  templateUrl.pathname = `/${TEMPLATE_DB}`;
  const orm = await openOrm(templateUrl.toString());
  await prepareDatabase(orm);
  await orm.close();

  project.provide('postgresAdminUrl', admin.toString());
  return async () => {
    await database.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string;
  }
}
