/**
 * The module layout's two hard rules, checked by `npm run lint` (and so by CI):
 * no import cycles anywhere in the server, and the domain modules never reach into the app's
 * wiring (server/app) except for the request context's type.
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
