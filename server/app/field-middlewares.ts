import { GraphQLScalarType, isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
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

/**
 * The resolver class instances, one per class as with type-graphql's default container, but
 * found in a Map (the default scans a list on every field of every row) and reachable here, so
 * that `callFieldResolversDirectly` calls the very same instances. Pass it as `buildSchema`'s
 * `container`.
 */
export class ResolverInstances {
  private readonly instances = new Map<Class, object>();

  get(resolverClass: new () => object): object {
    let instance = this.instances.get(resolverClass);
    if (!instance) this.instances.set(resolverClass, (instance = new resolverClass()));
    return instance;
  }
}

type Resolve = GraphQLFieldResolver<unknown, unknown>;
type Class = abstract new (...args: never) => unknown;
/** Where each parameter comes from among a resolver's (root, args, context, info). */
const SOURCE = { root: 0, context: 2, info: 3 } as const;

/**
 * A field resolver method that takes only `@Root()`, `@Ctx()` and `@Info()`, with no role check
 * and no middleware, still goes through type-graphql's handler on every row: parameters sorted
 * and mapped, the instance looked up, a middleware dispatch. Here its schema field calls the
 * method itself, with the same arguments and `this`, and returns what it returns (a promise or
 * not, as before). A root that is not an instance of the `@Root()` type (type-graphql would copy
 * it into one) keeps the original handler. Call once, on the schema built with `instances`.
 */
export function callFieldResolversDirectly(schema: GraphQLSchema, instances: ResolverInstances): void {
  readUnguardedFieldsDirectly(schema);
  const storage = getMetadataStorage();
  const typeNames = new Map<Class, string>(storage.objectTypes.map((t) => [t.target as Class, t.name]));
  for (const handler of storage.fieldResolvers) {
    if (handler.roles !== undefined || (handler.middlewares?.length ?? 0) > 0) continue;
    if (handler.kind === 'internal') {
      readGetterDirectly(schema, typeNames, handler);
      continue;
    }
    const params = [...(handler.params ?? [])].sort((a, b) => a.index - b.index);
    if (!params.every((p) => (p.kind === 'root' || p.kind === 'context' || p.kind === 'info') && !('propertyName' in p && p.propertyName))) continue;
    const type = schema.getType(typeNames.get(handler.getObjectType?.() as Class) ?? '');
    const field = isObjectType(type) ? type.getFields()[handler.schemaName] : undefined;
    if (!field?.resolve) continue;
    const original = field.resolve;
    const instance = instances.get(handler.target as new () => object) as Record<string, (...args: unknown[]) => unknown>;
    const method = instance[handler.methodName];
    if (typeof method !== 'function') continue;
    const rootParam = params.find((p) => p.kind === 'root') as { getType?: () => unknown } | undefined;
    const rootType = rootParam?.getType?.();
    const rootClass = typeof rootType === 'function' && !(rootType instanceof GraphQLScalarType) ? (rootType as Class) : undefined;
    const sources = params.map((p) => SOURCE[p.kind as keyof typeof SOURCE]);
    const direct = directCall(method, instance, sources);
    field.resolve = rootClass
      ? (root, args, context, info) => (root != null && !(root instanceof rootClass) ? original(root, args, context, info) : direct(root, args, context, info))
      : direct;
  }
}

/**
 * Likewise for plain fields that `readPlainFieldsDirectly` had to leave wrapped (a field of the
 * same name is guarded or resolved elsewhere, or the field is renamed): once the schema is
 * built, each field's own metadata says exactly whether a role check, middleware or resolver
 * method applies; where none does, the field reads its property, as type-graphql's handler does.
 */
function readUnguardedFieldsDirectly(schema: GraphQLSchema): void {
  const storage = getMetadataStorage();
  for (const objectType of storage.objectTypes) {
    const type = schema.getType(objectType.name);
    if (!isObjectType(type)) continue;
    // The fields in the order type-graphql builds them: interfaces' first, a later one of the same name wins.
    const interfaces = storage.interfaceTypes.filter((i) => objectType.interfaceClasses?.includes(i.target));
    const bySchemaName = new Map([...interfaces.flatMap((i) => i.fields ?? []), ...(objectType.fields ?? [])].map((f) => [f.schemaName, f]));
    for (const field of bySchemaName.values()) {
      if (field.simple === true || field.roles !== undefined || (field.middlewares?.length ?? 0) > 0) continue;
      if (storage.fieldResolvers.some((r) => r.getObjectType?.() === field.target && r.methodName === field.name)) continue;
      const graphqlField = type.getFields()[field.schemaName];
      if (!graphqlField?.resolve) continue;
      const property = field.name;
      graphqlField.resolve = (root) => (root as Record<string, unknown>)[property];
    }
  }
}

/**
 * A getter of the object type itself (the global id, a ticket's number): type-graphql reads it
 * on the root, copied into the class first if the root is not an instance of it. Read directly
 * when it is; anything else (a method, another root) keeps the original handler.
 */
function readGetterDirectly(
  schema: GraphQLSchema,
  typeNames: Map<Class, string>,
  handler: ReturnType<typeof getMetadataStorage>['fieldResolvers'][number],
): void {
  if ((handler.params?.length ?? 0) > 0) return;
  const objectClass = handler.getObjectType?.() as Class | undefined;
  const type = objectClass && schema.getType(typeNames.get(objectClass) ?? '');
  const field = isObjectType(type) ? type.getFields()[handler.schemaName] : undefined;
  if (!objectClass || !field?.resolve) return;
  const original = field.resolve;
  const property = handler.methodName;
  field.resolve = (root, args, context, info) => {
    if (root == null || !(root instanceof objectClass)) return original(root, args, context, info);
    const value = (root as Record<string, unknown>)[property];
    return typeof value === 'function' ? original(root, args, context, info) : value;
  };
}

function directCall(method: (...args: unknown[]) => unknown, instance: object, sources: number[]): Resolve {
  const pick = (source: number, root: unknown, context: unknown, info: unknown) => (source === 0 ? root : source === 2 ? context : info);
  const [first, second] = sources as [number, number];
  switch (sources.length) {
    case 0:
      return () => method.call(instance);
    case 1:
      return (root, _args, context, info) => method.call(instance, pick(first, root, context, info));
    case 2:
      return (root, _args, context, info) => method.call(instance, pick(first, root, context, info), pick(second, root, context, info));
    default:
      return (root, _args, context, info) =>
        method.apply(
          instance,
          sources.map((source) => pick(source, root, context, info)),
        );
  }
}
