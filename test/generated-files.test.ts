import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { printSchemaFile } from '../server/app/schema-file';

/** schema.graphql and the SDKs are generated from the code and committed: they must not drift. */
const ROOT = path.resolve(import.meta.dirname, '..');

describe('generated files are up to date (npm run generate)', () => {
  it('schema.graphql matches the schema the code builds', async () => {
    expect(readFileSync(path.join(ROOT, 'schema.graphql'), 'utf8')).toBe(await printSchemaFile());
  });

  it('every output of codegen.yml matches what GraphQL Code Generator makes now', async () => {
    const { generate, loadCodegenConfig } = await import('@graphql-codegen/cli');
    const { config } = await loadCodegenConfig({ configFilePath: path.join(ROOT, 'codegen.yml') });
    const outputs = (await generate({ ...config, cwd: ROOT, silent: true }, false)) as Array<{ filename: string; content: string }>;
    expect(outputs.map((o) => path.relative(ROOT, path.resolve(ROOT, o.filename))).sort()).toEqual([
      'dashboard/src/generated/graphql.ts',
      'opencart-extension/src/generated/graphql.ts',
      'test/sdk/generated.ts',
    ]);
    for (const output of outputs) {
      expect(readFileSync(path.resolve(ROOT, output.filename), 'utf8'), output.filename).toBe(output.content);
    }
  }, 60_000);
});
