/**
 * Writes a migration for the difference between the entities and the committed migrations.
 * It starts a throw-away PostgreSQL, applies every committed migration there, diffs, and
 * appends the new file to server/migrations/index.ts.
 *   npm run migration:create -- <name>            the diff between entities and migrations
 *   npm run migration:create -- <name> --blank    an empty migration, for SQL the diff cannot see
 *                                                 (partial indexes, triggers, data changes)
 * Objects that hand-written migrations create and no entity describes (schema-drift.ts lists
 * them) are left out of the diff, so a new migration never drops them.
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
import { touchesHandWritten } from './schema-drift';

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
  const migrator = orm.getMigrator() as unknown as { getSchemaDiff(blank: boolean, initial: boolean): Promise<{ up: string[]; down: string[] }> };
  const diffOfEntities = migrator.getSchemaDiff.bind(migrator);
  // The migrator's own diff (its statements and blank lines), without the hand-written objects.
  migrator.getSchemaDiff = async (blank, initial) => {
    const diff = await diffOfEntities(blank, initial);
    const keep = (statements: string[]) => {
      const kept = statements.filter((statement) => !touchesHandWritten(statement));
      return kept.some((statement) => statement.trim() !== '') ? kept : [];
    };
    return blank || initial ? diff : { up: keep(diff.up), down: keep(diff.down) };
  };
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
