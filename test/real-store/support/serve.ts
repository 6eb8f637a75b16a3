// Brings up real OpenCart stores by hand, as the real-store suite does:
//   npx tsx test/real-store/support/serve.ts [3.0.4.0] [4.0.2.3] [4.1.0.4]
// One MariaDB for all of them, each store installed fresh into a temporary folder and served by `php -S`
// on 127.0.0.1. Prints the admin URL and login of each; Ctrl+C stops everything and deletes the folders.
import { startMariaDb } from './mariadb';
import { installStore, realStoreUnavailable, VERSIONS, type OpenCartVersion, type Store } from './store';

const asked = process.argv.slice(2);
const unknown = asked.filter((v) => !(VERSIONS as readonly string[]).includes(v));
if (unknown.length > 0) {
  console.error(`Unknown version(s) ${unknown.join(', ')}; choose from ${VERSIONS.join(', ')}.`);
  process.exit(2);
}
const unavailable = realStoreUnavailable();
if (unavailable) {
  console.error(unavailable);
  process.exit(1);
}
const versions = (asked.length ? asked : [...VERSIONS]) as OpenCartVersion[];

const mariadb = await startMariaDb();
const stores: Store[] = [];
let stopping: Promise<void> | null = null;
const stop = () =>
  (stopping ??= (async () => {
    for (const store of stores) await store.stop();
    await mariadb.stop();
    process.exit(0);
  })());
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

try {
  for (const version of versions) stores.push(await installStore(version, mariadb));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  await stop();
}
console.log(`MariaDB on 127.0.0.1:${mariadb.port} (as root: mariadb --socket=${mariadb.socket} -u root)`);
for (const store of stores) {
  console.log(`
OpenCart ${store.version}
  admin:    ${store.adminUrl}
  login:    ${store.admin.username} / ${store.admin.password}
  folder:   ${store.root}
  database: ${store.database} (table prefix ${store.prefix})
  error log ${store.root}/system/storage/logs/error.log
  package:  dist/${store.line === '3.0' ? 'opencart-3.0' : 'opencart-4.x'}/oc_support_desk.ocmod.zip (npm run oc:pack)`);
}
console.log('\nCtrl+C stops the stores and MariaDB and deletes their folders.');
