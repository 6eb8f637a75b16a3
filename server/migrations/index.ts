import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261126022104_initial as M0 } from './Migration20261126022104_initial';

/** Every committed migration, in order. `npm run migration:create` appends to this list. */
export const MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261126022104_initial', class: M0 },
];
