import { createHash } from 'node:crypto';

// Policy: "Your access will be banned permanently in cases of account forgery, falsified data,
// abuse, offensive behavior or copyright infringement." Permanent means the same person
// cannot sign up again as a "new" customer, so a ban is stored as identity keys (the
// normalised email and the store's domain), not only as a flag on one account.

export enum BanReason {
  ACCOUNT_FORGERY = 'ACCOUNT_FORGERY',
  FALSIFIED_DATA = 'FALSIFIED_DATA',
  ABUSE = 'ABUSE',
  OFFENSIVE_BEHAVIOUR = 'OFFENSIVE_BEHAVIOUR',
  COPYRIGHT_INFRINGEMENT = 'COPYRIGHT_INFRINGEMENT',
}

export const BAN_REASON_LABELS: Record<BanReason, string> = {
  [BanReason.ACCOUNT_FORGERY]: 'Account forgery',
  [BanReason.FALSIFIED_DATA]: 'Falsified data',
  [BanReason.ABUSE]: 'Abuse',
  [BanReason.OFFENSIVE_BEHAVIOUR]: 'Offensive behaviour',
  [BanReason.COPYRIGHT_INFRINGEMENT]: 'Copyright infringement',
};

export enum BanIdentityKind {
  EMAIL = 'EMAIL',
  STORE_DOMAIN = 'STORE_DOMAIN',
}

export interface BanIdentityKey {
  kind: BanIdentityKind;
  value: string;
}

// Gmail ignores dots in the local part and treats googlemail.com as gmail.com.
const GMAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

/**
 * Trim and lower-case an email. With `forBanIdentity`, also drop a "+tag" from the local
 * part (and Gmail's dots), so "John.Doe+x@Gmail.com" and "johndoe@gmail.com" are one person.
 * null when the text is not an email address.
 */
export function normaliseEmail(email: string, options: { forBanIdentity?: boolean } = {}): string | null {
  const trimmed = email.trim().toLowerCase();
  const at = trimmed.lastIndexOf('@');
  if (at <= 0 || at === trimmed.length - 1 || /\s/.test(trimmed)) return null;
  let local = trimmed.slice(0, at);
  let domain = trimmed.slice(at + 1).replace(/\.$/, '');
  if (!domain.includes('.') || domain.startsWith('.') || domain.includes('..')) return null;
  if (!options.forBanIdentity) return `${local}@${domain}`;

  const plus = local.indexOf('+');
  if (plus === 0) return null;
  if (plus > 0) local = local.slice(0, plus);
  if (GMAIL_DOMAINS.has(domain)) {
    local = local.replace(/\./g, '');
    domain = 'gmail.com';
  }
  return local === '' ? null : `${local}@${domain}`;
}

/**
 * The store's host for identity checks: lower-case, no port, no leading "www.", no trailing
 * dot. Accepts URLs without a scheme ("shop.example.com/admin"). null when there is no host.
 */
export function storeDomain(url: string | null | undefined): string | null {
  if (url == null) return null;
  const trimmed = url.trim();
  if (trimmed === '') return null;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed.replace(/^\/\//, '')}`;
  let host: string;
  try {
    host = new URL(withScheme).hostname;
  } catch {
    return null;
  }
  host = host
    .toLowerCase()
    .replace(/\.$/, '')
    .replace(/^www\./, '');
  return host === '' ? null : host;
}

/**
 * The keys a store host is checked against: the host and every parent domain, so a subdomain
 * of a banned store ("shop.banned.com" under "banned.com") is the same store. A banned store on
 * a shared host ("a.host.com") does not cover its siblings ("b.host.com"), as "host.com" is not banned.
 */
export function domainAndParents(host: string): string[] {
  const labels = host.split('.');
  const keys: string[] = [];
  for (let i = 0; i < labels.length - 1; i += 1) keys.push(labels.slice(i).join('.'));
  return keys;
}

export interface BanIdentityInput {
  email: string;
  storeUrl?: string | null;
  /** Other store URLs the customer gave (e.g. on tickets). */
  otherStoreUrls?: ReadonlyArray<string | null | undefined>;
}

// Local hosts and IP addresses name a machine, not a store (an IP may be shared hosting):
// banning them would block unrelated customers.
function isMeaningfulDomain(host: string): boolean {
  if (!host.includes('.') || host.endsWith('.localhost') || host.startsWith('[')) return false;
  return !/^\d{1,3}(\.\d{1,3}){3}$/.test(host);
}

/**
 * The keys under which a ban is stored and checked: the email (tag-stripped) and every store
 * domain. A new sign-up matching any key is the banned customer coming back.
 */
export function banIdentity(customer: BanIdentityInput): BanIdentityKey[] {
  const keys: BanIdentityKey[] = [];
  const seen = new Set<string>();
  const add = (kind: BanIdentityKind, value: string | null) => {
    if (value === null || seen.has(`${kind}:${value}`)) return;
    seen.add(`${kind}:${value}`);
    keys.push({ kind, value });
  };
  add(BanIdentityKind.EMAIL, normaliseEmail(customer.email, { forBanIdentity: true }));
  for (const url of [customer.storeUrl, ...(customer.otherStoreUrls ?? [])]) {
    const host = storeDomain(url);
    if (host !== null && isMeaningfulDomain(host)) add(BanIdentityKind.STORE_DOMAIN, host);
  }
  return keys;
}

/** The keys to look up for a sign-up: its own, and each store domain's parent domains. */
export function banLookupKeys(customer: BanIdentityInput): BanIdentityKey[] {
  return banIdentity(customer).flatMap((k) =>
    k.kind === BanIdentityKind.STORE_DOMAIN ? domainAndParents(k.value).map((value) => ({ kind: k.kind, value })) : [k],
  );
}

/** The keys of `customer` found among the banned ones; empty when the customer is not banned. */
export function matchBannedIdentity(customer: BanIdentityInput, banned: ReadonlyArray<BanIdentityKey>): BanIdentityKey[] {
  const bannedSet = new Set(banned.map((k) => `${k.kind}:${k.value}`));
  return banLookupKeys(customer).filter((k) => bannedSet.has(`${k.kind}:${k.value}`));
}

/**
 * A ban key as kept once its customer's personal data is erased: a SHA-256 of the kind and the
 * value, so the same email or store is still recognised (and refused) without being stored.
 */
export function hashedBanValue(kind: BanIdentityKind, value: string): string {
  return `sha256:${createHash('sha256').update(`${kind}:${value}`).digest('hex')}`;
}

/** The values to look a ban key up by: as written, and as kept after an erasure. */
export function banLookupValues(kind: BanIdentityKind, values: readonly string[]): string[] {
  return values.flatMap((value) => [value, hashedBanValue(kind, value)]);
}
