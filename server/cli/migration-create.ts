/**
 * Writes a migration for the difference between the entities and the committed migrations.
 * It starts a throw-away PostgreSQL, applies every committed migration there, diffs, and
 * appends the new file to server/migrations/index.ts.
 *   npm run migration:create -- <name>            the diff between entities and migrations
 *   npm run migration:create -- <name> --blank    an empty migration, for SQL the diff cannot see
 *                                                 (partial indexes, triggers, data changes)
 */
import 'reflect-metadata';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MikroORM } from '@mikro-orm/postgresql';
import { PROJECT_ROOT } from '../app/config';
import { startEmbeddedPostgres } from '../app/database';
import { createLogger } from '../app/logger';
import { ormConfig } from '../app/orm';
import { MIGRATIONS } from '../migrations';
import { findFreePort } from '../common/ports';

const name = process.argv[2]?.replace(/[^A-Za-z0-9]+/g, '_');
const blank = process.argv.includes('--blank');
if (!name) throw new Error('Name the migration: npm run migration:create -- <name> [--blank]');
const dir = path.join(PROJECT_ROOT, 'server/migrations');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'support-desk-migrate-'));
const db = await startEmbeddedPostgres({ dataDir, port: await findFreePort(), logger: createLogger('warn') });
try {
  const base = ormConfig({ clientUrl: db.url });
  const orm = await MikroORM.init({ ...base, migrations: { ...base.migrations, snapshot: false, migrationsList: MIGRATIONS } });
  await orm.getMigrator().up();
  const result = await orm.getMigrator().createMigration(dir, blank, MIGRATIONS.length === 0, name);
  await orm.close();
  if (!result.fileName) {
    console.log('No changes: the entities match the migrations.');
  } else {
    const files = readdirSync(dir)
      .filter((f) => /^Migration\d+.*\.ts$/.test(f))
      .sort();
    const imports = files.map((f, i) => `import { ${className(f)} as M${i} } from './${f.replace(/\.ts$/, '')}';`);
    const list = files.map((f, i) => `  { name: '${f.replace(/\.ts$/, '')}', class: M${i} },`);
    writeFileSync(
      path.join(dir, 'index.ts'),
      `import type { MigrationObject } from '@mikro-orm/core';\n${imports.join('\n')}\n\n` +
        `/** Every committed migration, in order. \`npm run migration:create\` appends to this list. */\n` +
        `export const MIGRATIONS: MigrationObject[] = [\n${list.join('\n')}\n];\n`,
    );
    console.log(`Wrote server/migrations/${result.fileName}; review it before committing.`);
  }
} finally {
  await db.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

function className(file: string): string {
  return file.replace(/\.ts$/, '');
}
