import 'reflect-metadata';
import { getNamedType, GraphQLError, isInterfaceType, isListType, isNonNullType, isObjectType, type GraphQLOutputType, type GraphQLSchema } from 'graphql';
import { buildSchema, getMetadataStorage, type AuthChecker, type MiddlewareFn } from 'type-graphql';
import { DateTimeScalar } from '../common/date-time.scalar';
import { UserErrorCode, userError } from '../common/user-error';
import { flattenValidation, validationFailures } from '../common/validation';
import { AttachmentResolver, TicketAttachmentResolver, TicketMessageAttachmentResolver } from '../modules/attachment/attachment.resolver';
import { AuditEventResolver } from '../modules/audit/audit.resolver';
import { CannedReplyResolver } from '../modules/canned-reply/canned-reply.resolver';
import { CustomerResolver } from '../modules/customer/customer.resolver';
import { MerchantApiKeyResolver } from '../modules/merchant-key/merchant-api-key.resolver';
import { PlanResolver } from '../modules/plan/plan.resolver';
import { RefundResolver, SubscriptionRefundResolver } from '../modules/refund/refund.resolver';
import { StaffResolver } from '../modules/staff/staff.resolver';
import { SupportStatsResolver } from '../modules/stats/stats.resolver';
import { SubscriptionResolver } from '../modules/subscription/subscription.resolver';
import { SupportHoursResolver } from '../modules/support-hours/support-hours.resolver';
import { PersonalDataResolver } from '../modules/personal-data/personal-data.resolver';
import { SatisfactionStatsResolver } from '../modules/satisfaction/satisfaction-stats.resolver';
import { SatisfactionResolver } from '../modules/satisfaction/satisfaction.resolver';
import { TicketMergeResolver } from '../modules/ticket/ticket-merge.resolver';
import { TicketMessageResolver } from '../modules/ticket/ticket-message.resolver';
import { TicketResolver } from '../modules/ticket/ticket.resolver';
import { TicketAccessResolver, TicketVaultResolver } from '../modules/vault/vault.resolver';
import { NodeResolver } from '../modules/viewer/node.resolver';
import { WebhookDeliveryResolver, WebhookEndpointResolver } from '../modules/webhook/webhook.resolver';
import { LiveResolver, TOPICS_UNUSED } from '../modules/live/live.resolver';
import { viewerRoles, type Role } from '../modules/viewer/viewer';
import { ViewerResolver } from '../modules/viewer/viewer.resolver';
import { NotificationResolver, ViewerNotificationsResolver } from '../modules/notification/notification.resolver';
import type { AppContext } from './context';
import { callFieldResolversDirectly, placeMiddlewares, ResolverInstances } from './field-middlewares';
import { documentInputLimits } from './limits/input-limits';

export const RESOLVERS = [
  AttachmentResolver,
  TicketAttachmentResolver,
  TicketMessageAttachmentResolver,
  AuditEventResolver,
  CannedReplyResolver,
  CustomerResolver,
  MerchantApiKeyResolver,
  NodeResolver,
  PlanResolver,
  RefundResolver,
  StaffResolver,
  SubscriptionRefundResolver,
  SubscriptionResolver,
  SupportStatsResolver,
  SupportHoursResolver,
  TicketMergeResolver,
  SatisfactionResolver,
  SatisfactionStatsResolver,
  PersonalDataResolver,
  TicketMessageResolver,
  TicketResolver,
  TicketAccessResolver,
  TicketVaultResolver,
  ViewerResolver,
  ViewerNotificationsResolver,
  NotificationResolver,
  WebhookDeliveryResolver,
  WebhookEndpointResolver,
  LiveResolver,
] as const;

/**
 * `@Authorized()` = any signed-in caller; `@Authorized(Role.AGENT)` = staff (admins
 * included); `@Authorized(Role.ADMIN)` = admins; `@Authorized(Role.CUSTOMER)` = merchants.
 */
export const authChecker: AuthChecker<AppContext, Role> = ({ context }, roles) => {
  const mine = viewerRoles(context.viewer);
  if (mine.length === 0) {
    throw new GraphQLError('Sign in: send "Authorization: Bearer <token>".', { extensions: { code: 'UNAUTHENTICATED' } });
  }
  if (roles.length === 0 || roles.some((role) => mine.includes(role))) return true;
  throw new GraphQLError(`This needs the ${roles.join(' or ')} role.`, { extensions: { code: 'FORBIDDEN' } });
};

/**
 * PostgreSQL cannot store NUL characters in text, nor lone UTF-16 surrogates in JSON (and they
 * are no text at all: JSON.parse lets "\ud800" through). A client that sends one gets a clear
 * answer here instead of a failed statement (and merchant text in an error log): an INVALID
 * userError naming the field for a mutation, like any other invalid input, and BAD_USER_INPUT
 * for a query.
 */
const rejectUnstorableText: MiddlewareFn<AppContext> = ({ args, info }, next) => {
  // Runs for every field of every row: fields without arguments pass straight through.
  if (!hasAny(args)) return next();
  const found = unstorablePath(args, []);
  if (!found) return next();
  const message =
    found.problem === 'nul'
      ? 'Text must not contain NUL (\\u0000) characters.'
      : 'Text must be valid Unicode: a lone UTF-16 surrogate (\\ud800–\\udfff without its pair) is not a character.';
  if (info.parentType.name === 'Mutation') {
    return Promise.resolve({ ...emptyPayload(info.returnType), userErrors: [userError(UserErrorCode.INVALID, message, found.path)] });
  }
  throw new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', field: found.path } });
};

function hasAny(args: Record<string, unknown>): boolean {
  for (const _ in args) return true;
  return false;
}

type Unstorable = { path: string[]; problem: 'nul' | 'surrogate' };

function problemIn(text: string): Unstorable['problem'] | null {
  if (text.includes('\u0000')) return 'nul';
  return LONE_SURROGATE.test(text) ? 'surrogate' : null;
}

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The path to the first string (or object key) PostgreSQL cannot store, e.g. ['input', 'body']. */
function unstorablePath(value: unknown, path: string[]): Unstorable | null {
  if (typeof value === 'string') {
    const problem = problemIn(value);
    return problem ? { path, problem } : null;
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = unstorablePath(item, [...path, String(i)]);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    for (const [key, item] of Object.entries(value)) {
      const keyProblem = problemIn(key);
      if (keyProblem) return { path, problem: keyProblem };
      const found = unstorablePath(item, [...path, key]);
      if (found) return found;
    }
  }
  return null;
}

/**
 * A mutation's invalid input (lengths, formats) is the merchant's or agent's to fix, so it comes
 * back like any other refusal: as the payload's userErrors, naming each field. Queries keep
 * top-level BAD_USER_INPUT errors (e.g. `first` out of range).
 */
const invalidInputAsUserErrors: MiddlewareFn<AppContext> = ({ info }, next) => {
  // Only mutations are concerned; every other field goes through without an extra await.
  return info.parentType.name === 'Mutation' ? mutationWithUserErrors(info.returnType, next) : next();
};

async function mutationWithUserErrors(returnType: GraphQLOutputType, next: () => Promise<unknown>): Promise<unknown> {
  try {
    return await next();
  } catch (error) {
    const failures = validationFailures(error);
    if (!failures) throw error;
    return {
      ...emptyPayload(returnType),
      userErrors: flattenValidation(failures, ['input']).map(({ field, message }) => userError(UserErrorCode.INVALID, message, field)),
    };
  }
}

/** A payload with nothing in it: required lists empty, everything else null. */
function emptyPayload(type: GraphQLOutputType): Record<string, unknown> {
  const named = getNamedType(type);
  if (!isObjectType(named)) return {};
  return Object.fromEntries(
    Object.values(named.getFields()).map((field) => [field.name, isNonNullType(field.type) && isListType(field.type.ofType) ? [] : null]),
  );
}

let cached: Promise<GraphQLSchema> | undefined;
const resolverInstances = new ResolverInstances();

/** The schema is the same for every app in the process: build it once. */
export function getSchema(): Promise<GraphQLSchema> {
  // Not global middlewares: those would wrap every field of every row (see field-middlewares.ts).
  placeMiddlewares<AppContext>({ withArguments: [rejectUnstorableText], onMutations: [invalidInputAsUserErrors] });
  cached ??= buildSchema({
    resolvers: [...RESOLVERS],
    authChecker,
    validate: { forbidUnknownValues: false },
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    pubSub: TOPICS_UNUSED,
    emitSchemaFile: false,
    container: resolverInstances,
  })
    .then(documentInputLimits)
    .then(resolveTypesSynchronously)
    .then((schema) => {
      callFieldResolversDirectly(schema, resolverInstances);
      return schema;
    });
  return cached;
}

/**
 * type-graphql wraps an interface's `resolveType` in an async function, which graphql-js awaits
 * but graphql-jit (executor.ts) does not accept: it needs the type's name at once. Our
 * `resolveType`s return a class (node.ts) synchronously, so the same class-to-name lookup is
 * done here without the promise.
 */
function resolveTypesSynchronously(schema: GraphQLSchema): GraphQLSchema {
  const storage = getMetadataStorage();
  for (const declared of storage.interfaceTypes) {
    const resolveClass = declared.resolveType;
    const type = schema.getType(declared.name);
    if (!resolveClass || !isInterfaceType(type)) continue;
    const possible = new Set(schema.getPossibleTypes(type).map((t) => t.name));
    const nameOf = new Map(storage.objectTypes.filter((t) => possible.has(t.name)).map((t) => [t.target, t.name]));
    type.resolveType = (value, context, info, abstractType) => {
      const resolved = resolveClass(value, context, info, abstractType) as unknown;
      if (resolved == null || typeof resolved === 'string') return resolved ?? undefined;
      if (typeof resolved === 'function') return nameOf.get(resolved);
      throw new TypeError(`${declared.name}.resolveType must give a class or a type name at once`);
    };
  }
  return schema;
}
