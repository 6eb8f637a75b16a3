/** Writes schema.graphql from the code. CI fails when the committed file differs. */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../app/config';
import { printSchemaFile } from '../app/schema-file';

writeFileSync(path.join(PROJECT_ROOT, 'schema.graphql'), await printSchemaFile());
console.log('Wrote schema.graphql');
