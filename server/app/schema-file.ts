import { lexicographicSortSchema, printSchema } from 'graphql';
import { getSchema } from './schema';

const HEADER = '# Generated from the server code by `npm run schema`. Do not edit: change the code instead.\n\n';

/** The committed SDL: sorted, so the diff of a change shows only what changed. */
export async function printSchemaFile(): Promise<string> {
  return HEADER + printSchema(lexicographicSortSchema(await getSchema())) + '\n';
}
