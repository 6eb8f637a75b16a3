import type { EntityManager } from '@mikro-orm/postgresql';
import { GraphQLError } from 'graphql';
import { DateTime } from 'luxon';
import { hashToken, MERCHANT_KEY_PREFIX, STAFF_TOKEN_PREFIX } from '../../common/tokens';
import { CustomerStatus } from '../customer/customer.entity';
import { MerchantApiKey } from '../merchant-key/merchant-api-key.entity';
import { StaffMember, type StaffRole } from '../staff/staff-member.entity';
import { ANONYMOUS, type Viewer } from './viewer';

/** Last-use stamps are written at most this often, not on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * The policy's bans are permanent: a new key or sign-up will not help, so the message says so, and
 * `extensions.reason: ACCOUNT_BANNED` lets a client (the OpenCart module) tell it apart from a bad key.
 */
export const BANNED_MESSAGE = 'This account is banned permanently: its API keys no longer work and it cannot be reopened.';

function unauthenticated(message: string, reason?: 'ACCOUNT_BANNED'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', ...(reason ? { reason } : {}), http: { status: 401 } } });
}

/** The statement that reads a token's owner (`?` bindings), or null when the header is no known kind of token. */
export interface SignInLookup {
  kind: 'merchant' | 'staff';
  sql: string;
  params: (Date | string)[];
}

/** The row a sign-in reads: a merchant key with its customer, or a staff member. */
type SignInRow =
  | { id: string; revoked: boolean; customer_id: string; customer_status: string; stamp_due: boolean }
  | { id: string; role: StaffRole; active: boolean; stamp_due: boolean };

const BEARER = /^Bearer\s+(\S+)$/i;

/** The token of `Authorization: Bearer <token>`, or undefined when the header has another form. */
function bearerToken(header: string): string | undefined {
  return BEARER.exec(header.trim())?.[1];
}

function kindOf(token: string): SignInLookup['kind'] | null {
  if (token.startsWith(MERCHANT_KEY_PREFIX)) return 'merchant';
  if (token.startsWith(STAFF_TOKEN_PREFIX)) return 'staff';
  return null;
}

/**
 * How a token is looked up: one plain statement, no entity loaded, since this runs before every
 * request; the database says whether the last-use stamp is due, so no timestamp is parsed here
 * either.
 */
function lookupOf(kind: SignInLookup['kind'], token: string, now: DateTime): SignInLookup {
  const hash = hashToken(token);
  const stampDue = `(? :: timestamptz - interval '${LAST_USED_RESOLUTION_MS} milliseconds')`;
  if (kind === 'merchant') {
    return {
      kind,
      sql: `select k.id, k.revoked_at is not null as revoked, c.id as customer_id, c.status as customer_status,
                   (k.last_used_at is null or k.last_used_at < ${stampDue}) as stamp_due
              from merchant_api_key k join customer c on c.id = k.customer_id where k.token_hash = ?`,
      params: [now.toJSDate(), hash],
    };
  }
  return {
    kind,
    sql: `select id, role, active, (last_seen_at is null or last_seen_at < ${stampDue}) as stamp_due from staff_member where token_hash = ?`,
    params: [now.toJSDate(), hash],
  };
}

/**
 * The lookup of the token in `header`, for the rate limiter to run inside its own statement
 * (its row goes to `res.locals.signIn`, app/rate-limit.ts); null when the header carries no
 * known kind of token.
 */
export function signInLookup(header: string | undefined, now: DateTime): SignInLookup | null {
  const token = header ? bearerToken(header) : undefined;
  const kind = token ? kindOf(token) : null;
  return token && kind ? lookupOf(kind, token, now) : null;
}

/**
 * Resolves `Authorization: Bearer <token>` to a viewer. No header is an anonymous caller;
 * a header with a bad, revoked or banned token is refused outright (HTTP 401) rather than
 * silently downgraded, so a misconfigured client learns about it at once. `found` is the row
 * of `signInLookup` when the request's rate-limit statement already read it (null: no such
 * token); otherwise it is read here.
 */
export async function authenticate(em: EntityManager, header: string | undefined, now: DateTime, found?: unknown): Promise<Viewer> {
  if (!header) return ANONYMOUS;
  const token = bearerToken(header);
  if (!token) throw unauthenticated('The Authorization header must be "Bearer <token>".');
  const kind = kindOf(token);
  if (!kind) throw unauthenticated('Unknown token type.');
  let row = found as SignInRow | null | undefined;
  if (found === undefined) {
    const lookup = lookupOf(kind, token, now);
    row = ((await em.execute(lookup.sql, lookup.params)) as SignInRow[])[0];
  }
  if (kind === 'merchant') {
    const key = row as Extract<SignInRow, { customer_id: string }> | null | undefined;
    // A ban revokes every key of the account: its holder is told of the ban, which is final, not of a revoked key.
    if (key?.customer_status === CustomerStatus.BANNED) throw unauthenticated(BANNED_MESSAGE, 'ACCOUNT_BANNED');
    if (!key || key.revoked) throw unauthenticated('This API key is not valid or was revoked.');
    if (key.stamp_due) await em.nativeUpdate(MerchantApiKey, { id: key.id }, { lastUsedAt: now.toJSDate() });
    return { kind: 'customer', customerId: key.customer_id, apiKeyId: key.id };
  }
  const staff = row as Extract<SignInRow, { role: StaffRole }> | null | undefined;
  if (!staff || !staff.active) throw unauthenticated('This staff token is not valid or the account is disabled.');
  if (staff.stamp_due) await em.nativeUpdate(StaffMember, { id: staff.id }, { lastSeenAt: now.toJSDate() });
  return { kind: 'staff', staffId: staff.id, role: staff.role };
}

export type SignedInViewer = Exclude<Viewer, { kind: 'anonymous' }>;

/**
 * The signed-in viewer of a plain HTTP route (downloads, exports), or the message of its 401:
 * a rejected token counts as a failed sign-in (`onRejected`: the rate limiter's), no token asks
 * the caller to sign in.
 */
export async function authenticateRoute(
  em: EntityManager,
  header: string | undefined,
  now: DateTime,
  onRejected: () => Promise<void>,
  signInHint = 'Sign in: send "Authorization: Bearer <token>".',
): Promise<{ viewer: SignedInViewer } | { unauthenticated: string }> {
  let viewer: Viewer;
  try {
    viewer = await authenticate(em, header, now);
  } catch (error) {
    await onRejected();
    return { unauthenticated: (error as Error).message };
  }
  return viewer.kind === 'anonymous' ? { unauthenticated: signInHint } : { viewer };
}
