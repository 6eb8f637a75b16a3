/**
 * The module layout's hard rules, checked by `npm run lint` (and so by CI): no import cycles
 * anywhere in the server, the domain modules never reach into the app's wiring (server/app)
 * except for the request context's type, and no module imports a resolver. What an import graph
 * cannot show (no service built outside server/app, every mutation one declared call, resolver
 * classes only in *.resolver.ts) is checked by test/unit/module-layout.test.ts.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-import-cycle',
      severity: 'error',
      // Type-only imports count too: a cycle of types is still two files that cannot be read apart.
      comment: 'An import cycle: split the shared part out, or let one side react to a domain event.',
      from: { path: '^server/' },
      to: { circular: true },
    },
    {
      name: 'modules-do-not-import-the-app',
      severity: 'error',
      comment: 'server/modules/* get what they need from their constructor (wired in server/app/services.ts); only the AppContext type may be imported.',
      from: { path: '^server/modules/' },
      to: { path: '^server/app/', pathNot: '^server/app/context\\.ts$' },
    },
    {
      name: 'resolvers-only-in-the-schema',
      severity: 'error',
      comment:
        "A resolver is an entry point: only the schema build (server/app/schema.ts) imports one. What others need goes to the module's types, scope or query files.",
      from: { path: '^server/', pathNot: '^server/app/schema\\.ts$' },
      to: { path: '\\.resolver\\.ts$' },
    },
    {
      name: 'common-does-not-import-modules-or-app',
      severity: 'error',
      comment: 'server/common is the bottom layer: it knows no domain module and no wiring.',
      from: { path: '^server/common/' },
      to: { path: '^server/(modules|app)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.json'] },
  },
};
