import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOrm } from '../../server/app/runtime';
import { schemaDrift, touchesHandWritten } from '../../server/cli/schema-drift';
import { createTestApp, type TestApp } from '../support/test-app';

/**
 * The roll-ups (and the other objects migrations write by hand) have no entity: the schema diff
 * behind `npm run migration:create` would drop them. Against a database with every migration
 * applied, the diff it writes must propose nothing.
 */
let app: TestApp;
let orm: MikroORM;

beforeAll(async () => {
  app = await createTestApp();
  orm = await openOrm(app.databaseUrl);
}, 60_000);
afterAll(async () => {
  await orm?.close();
  await app?.close();
});

describe('migration:create against an up-to-date database', () => {
  it('proposes no change', async () => {
    expect(await schemaDrift(orm)).toEqual({ up: [], down: [] });
  });

  it("would drop the roll-ups without the hand-written list: the entities' own diff names them", async () => {
    const diff = await orm.getSchemaGenerator().getUpdateSchemaMigrationSQL({ wrap: false, safe: false, dropTables: true });
    for (const table of ['ticket_stats_fact', 'allowance_usage', 'ticket_status_tally']) {
      const drop = diff.up.split(/;\n/).find((statement) => statement.includes(`drop table if exists "${table}"`));
      expect(drop, table).toBeDefined();
      expect(touchesHandWritten(drop!)).toBe(true);
    }
    // A change an entity asks for is kept.
    expect(touchesHandWritten(`alter table "ticket" add column "priority_note" text null`)).toBe(false);
  });
});
