/**
 * npm run bench:limits: how long measuring a hostile document takes (parse + limits), against
 * what graphql-js's own validation would have cost had the document reached it: the reason the
 * limits run first. In process, no database.
 */
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { parse, specifiedRules, validate } from 'graphql';
import { checkQueryLimits, DEFAULT_QUERY_LIMITS } from '../server/app/limits/query-limits';
import { getSchema } from '../server/app/schema';

const SHAPES: Record<string, string> = {
  '900 repeated root fields (anonymous)': `{ ${'plans { id } '.repeat(900)} }`,
  '3,000 repeated __typename in one selection': `{ viewer { ${'__typename '.repeat(3_000)} } }`,
  '600 aliases of supportHours': `{ ${Array.from({ length: 600 }, (_, i) => `h${i}: supportHours { open }`).join(' ')} }`,
  'fragments doubling 30 times': `{ ...F0 }\n${Array.from({ length: 30 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join('\n')}\nfragment F30 on Query { plans { id } }`,
};

function measure(name: string, iterations: number, fn: () => unknown): void {
  for (let i = 0; i < Math.min(5, iterations); i += 1) fn(); // warm-up
  const start = performance.now();
  for (let i = 0; i < iterations; i += 1) fn();
  console.log(`${name.padEnd(62)} ${((performance.now() - start) / iterations).toFixed(2).padStart(8)} ms/op  (${iterations} ops)`);
}

async function benchQueryLimits(): Promise<void> {
  const schema = await getSchema();
  for (const [name, query] of Object.entries(SHAPES)) {
    measure(`limits refuse ${name}`, 20, () => {
      const { error } = checkQueryLimits({ schema, document: parse(query), tier: 'anonymous', limits: DEFAULT_QUERY_LIMITS });
      if (!error) throw new Error(`not refused: ${name}`);
    });
  }
  // What the first shape costs graphql-js when nothing stops it (once: it takes long).
  measure('graphql-js validate: 900 repeated root fields (unguarded)', 1, () =>
    validate(schema, parse(SHAPES['900 repeated root fields (anonymous)']!), specifiedRules),
  );
}

await benchQueryLimits();
