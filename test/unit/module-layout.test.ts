// The layout's rules that an import graph cannot show, read from the sources with the TypeScript
// parser (the import rules themselves are dependency-cruiser's, in `npm run lint`).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

function sourcesUnder(folder: string): string[] {
  return readdirSync(path.join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .map((file) => path.join(folder, file).split(path.sep).join('/'));
}

const SOURCES = sourcesUnder('server').map((file) => ({
  file,
  source: ts.createSourceFile(file, readFileSync(path.join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true),
}));

function nodesOf(node: ts.Node, found: ts.Node[] = []): ts.Node[] {
  found.push(node);
  node.forEachChild((child) => void nodesOf(child, found));
  return found;
}

const decoratorName = (decorator: ts.Decorator) => {
  const call = decorator.expression;
  return ts.isCallExpression(call) && ts.isIdentifier(call.expression) ? call.expression.text : null;
};
const decoratorsOf = (node: ts.Node) => (ts.canHaveDecorators(node) ? (ts.getDecorators(node) ?? []).map(decoratorName) : []);
const where = (source: ts.SourceFile, node: ts.Node) => `${source.fileName}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;

describe('the module layout', () => {
  it('reads the server sources', () => {
    expect(SOURCES.length).toBeGreaterThan(100);
    expect(SOURCES.some(({ file }) => file === 'server/app/services.ts')).toBe(true);
  });

  it('no service constructs another: services are built in server/app (the composition root) only', () => {
    const outside = SOURCES.filter(({ file }) => !file.startsWith('server/app/')).flatMap(({ source }) =>
      nodesOf(source)
        .filter((node): node is ts.NewExpression => ts.isNewExpression(node))
        .filter((node) => ts.isIdentifier(node.expression) && /Service$/.test(node.expression.text))
        .map((node) => `${where(source, node)} new ${(node.expression as ts.Identifier).text}`),
    );
    expect(outside).toEqual([]);
    // The rule is not vacuous: the composition root does build them.
    const root = SOURCES.find(({ file }) => file === 'server/app/services.ts')!.source;
    expect(nodesOf(root).filter((node) => ts.isNewExpression(node)).length).toBeGreaterThan(10);
  });

  it('every resolver class lives in a *.resolver.ts file (so that the import rule on resolvers covers it)', () => {
    const misplaced = SOURCES.flatMap(({ file, source }) =>
      nodesOf(source)
        .filter((node) => ts.isClassDeclaration(node) && decoratorsOf(node).includes('Resolver'))
        .filter(() => !file.endsWith('.resolver.ts'))
        .map((node) => where(source, node)),
    );
    expect(misplaced).toEqual([]);
  });

  it('every mutation resolver is one declared call: @Transactional(Payload) and a single return', () => {
    const mutations = SOURCES.flatMap(({ source }) =>
      nodesOf(source)
        .filter((node): node is ts.MethodDeclaration => ts.isMethodDeclaration(node) && decoratorsOf(node).includes('Mutation'))
        .map((method) => ({ method, at: where(source, method) })),
    );
    expect(mutations.length).toBeGreaterThan(40);
    const undeclared = mutations.filter(({ method }) => !decoratorsOf(method).includes('Transactional')).map(({ at }) => at);
    expect(undeclared).toEqual([]);
    const notOneCall = mutations
      .filter(({ method }) => {
        const statements = method.body?.statements ?? [];
        return statements.length !== 1 || !ts.isReturnStatement(statements[0]!);
      })
      .map(({ at }) => at);
    expect(notOneCall).toEqual([]);
  });
});
