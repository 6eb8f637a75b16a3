import { getMetadataStorage, UseMiddleware, type MiddlewareFn } from 'type-graphql';

export interface MiddlewarePlacement<Context extends object> {
  /** Run on every query, mutation and field resolver that takes arguments, in this order. */
  withArguments: MiddlewareFn<Context>[];
  /** Run on every mutation, after those above. */
  onMutations: MiddlewareFn<Context>[];
}

let placed = false;

/**
 * type-graphql's `globalMiddlewares` turn every field of every row into an async middleware
 * chain (a page of 50 tickets resolves ~2,000 fields); these middlewares only concern fields
 * with arguments and mutations, so they are attached to exactly those resolver methods (as
 * `@UseMiddleware` would), and every other field stays a plain property read. The role check of
 * `@Authorized` still runs before them. Call once, before `buildSchema`.
 */
export function placeMiddlewares<Context extends object>(placement: MiddlewarePlacement<Context>): void {
  if (placed) return;
  placed = true;
  const storage = getMetadataStorage();
  const takesArguments = (target: Function, methodName: string) =>
    storage.params.some((p) => p.target === target && p.methodName === methodName && (p.kind === 'args' || p.kind === 'arg'));
  const mutations = new Set(storage.mutations);
  for (const handler of [...storage.queries, ...storage.mutations, ...storage.fieldResolvers]) {
    const middlewares = [
      ...(takesArguments(handler.target, handler.methodName) ? placement.withArguments : []),
      ...(mutations.has(handler as never) ? placement.onMutations : []),
    ];
    if (middlewares.length > 0) UseMiddleware(middlewares)(handler.target.prototype, handler.methodName);
  }
  readPlainFieldsDirectly(storage);
}

/**
 * A field with no resolver method, no `@Authorized` and no middleware is a property read, yet
 * type-graphql still wraps it in a resolver of its own (an object and a middleware dispatch per
 * field and row). Marked `simple`, it gets graphql-js's default resolver, which reads the same
 * property. Fields renamed in the schema keep the wrapper (the default reads by schema name).
 */
function readPlainFieldsDirectly(storage: ReturnType<typeof getMetadataStorage>): void {
  const guarded = new Set([...storage.authorizedResolver, ...storage.resolverMiddlewares].map((m) => m.target));
  const authorized = new Set(storage.authorizedFields.map((f) => f.fieldName));
  const wrapped = new Set(storage.middlewares.map((m) => m.fieldName));
  const resolved = new Set(storage.fieldResolvers.map((r) => r.methodName));
  for (const field of storage.fields) {
    if (field.simple !== undefined || field.name !== field.schemaName || guarded.has(field.target)) continue;
    // Matched by name alone, whatever class declares them: a field that might be guarded keeps its wrapper.
    if (authorized.has(field.name) || wrapped.has(field.name) || resolved.has(field.name)) continue;
    field.simple = true;
  }
}
