import { describe, expect, it } from 'vitest';
import {
  BAN_REASON_LABELS,
  banIdentity,
  BanIdentityKind,
  domainAndParents,
  BanReason,
  matchBannedIdentity,
  normaliseEmail,
  storeDomain,
} from '../../server/modules/customer/ban-rules';

describe('"Your access will be banned permanently in cases of account forgery, falsified data, abuse, offensive behavior or copyright infringement"', () => {
  it.each([
    [BanReason.ACCOUNT_FORGERY, 'Account forgery'],
    [BanReason.FALSIFIED_DATA, 'Falsified data'],
    [BanReason.ABUSE, 'Abuse'],
    [BanReason.OFFENSIVE_BEHAVIOUR, 'Offensive behaviour'],
    [BanReason.COPYRIGHT_INFRINGEMENT, 'Copyright infringement'],
  ])('%s is labelled %j', (reason, label) => {
    expect(BAN_REASON_LABELS[reason]).toBe(label);
  });

  it('has exactly the five reasons of the policy', () => {
    expect(Object.values(BanReason)).toHaveLength(5);
  });
});

describe('normaliseEmail', () => {
  it.each([
    ['  John.Doe@Example.COM ', 'john.doe@example.com'],
    ['john+support@example.com', 'john+support@example.com'], // the tag stays for the account email
    ['John.Doe@Gmail.com', 'john.doe@gmail.com'],
    ['a@b.co.', 'a@b.co'],
  ])('%j → %j', (input, expected) => {
    expect(normaliseEmail(input)).toBe(expected);
  });

  it.each([
    ['John+Tag@Example.com', 'john@example.com'],
    ['john+a+b@example.com', 'john@example.com'],
    ['john@example.com', 'john@example.com'],
    ['J.O.H.N+x@GMAIL.com', 'john@gmail.com'], // Gmail ignores dots
    ['john.doe@googlemail.com', 'johndoe@gmail.com'], // googlemail.com is gmail.com
    ['john.doe@example.com', 'john.doe@example.com'], // dots matter elsewhere
  ])('for the ban identity %j → %j', (input, expected) => {
    expect(normaliseEmail(input, { forBanIdentity: true })).toBe(expected);
  });

  it.each([[''], ['   '], ['no-at-sign'], ['@example.com'], ['john@'], ['john@localhost'], ['jo hn@example.com'], ['john@.com'], ['john@exa..mple.com']])(
    '%j is not an email → null',
    (input) => {
      expect(normaliseEmail(input)).toBeNull();
    },
  );

  it('"+tag" alone is no identity', () => {
    expect(normaliseEmail('+tag@example.com', { forBanIdentity: true })).toBeNull();
  });
});

describe('storeDomain', () => {
  it.each([
    ['https://www.Shop.Example.com/index.php?route=common/home', 'shop.example.com'],
    ['http://shop.example.com:8080/admin/', 'shop.example.com'],
    ['www.example.com', 'example.com'], // no scheme
    ['example.com/shop', 'example.com'],
    ['  EXAMPLE.com  ', 'example.com'],
    ['//cdn.example.com/x', 'cdn.example.com'],
    ['https://example.com./', 'example.com'],
    ['https://user:pass@example.com', 'example.com'],
    ['https://wwwshop.com', 'wwwshop.com'], // only a "www." label is dropped
    ['https://www2.example.com', 'www2.example.com'],
    ['https://bücher.de', 'xn--bcher-kva.de'], // IDN in its ASCII form
  ])('%j → %j', (url, expected) => {
    expect(storeDomain(url)).toBe(expected);
  });

  it.each([[null], [undefined], [''], ['   '], ['http://'], ['https://exa mple.com']])('%j → null', (url) => {
    expect(storeDomain(url)).toBeNull();
  });
});

describe('banIdentity: a banned customer cannot come back as a new one', () => {
  it('keys are the tag-stripped email and the store domain', () => {
    expect(banIdentity({ email: ' Jane+oc@Example.com', storeUrl: 'https://www.janes-shop.com/' })).toEqual([
      { kind: BanIdentityKind.EMAIL, value: 'jane@example.com' },
      { kind: BanIdentityKind.STORE_DOMAIN, value: 'janes-shop.com' },
    ]);
  });

  it('includes other store URLs, without duplicates', () => {
    const keys = banIdentity({
      email: 'jane@example.com',
      storeUrl: 'janes-shop.com',
      otherStoreUrls: ['http://www.janes-shop.com:80/', 'https://second-shop.net', null, ''],
    });
    expect(keys.filter((k) => k.kind === BanIdentityKind.STORE_DOMAIN).map((k) => k.value)).toEqual(['janes-shop.com', 'second-shop.net']);
  });

  it.each([['http://localhost/opencart'], ['http://127.0.0.1:8080/shop'], ['http://[::1]/shop'], ['http://shop.localhost/']])(
    'does not ban a machine address such as %j (it would block unrelated customers)',
    (storeUrl) => {
      const keys = banIdentity({ email: 'jane@example.com', storeUrl });
      expect(keys.map((k) => k.kind)).toEqual([BanIdentityKind.EMAIL]);
    },
  );

  it('an unusable email gives no email key', () => {
    expect(banIdentity({ email: 'not an email', storeUrl: 'shop.com' })).toEqual([{ kind: BanIdentityKind.STORE_DOMAIN, value: 'shop.com' }]);
  });

  const banned = banIdentity({ email: 'John.Doe@gmail.com', storeUrl: 'https://www.dodgy-store.com' });

  it.each<[{ email: string; storeUrl?: string }, BanIdentityKind[]]>([
    // new sign-up, matched kinds
    [{ email: 'johndoe+new@gmail.com' }, [BanIdentityKind.EMAIL]],
    [{ email: 'JOHN.DOE@googlemail.com' }, [BanIdentityKind.EMAIL]],
    [{ email: 'someone@else.com', storeUrl: 'dodgy-store.com/admin' }, [BanIdentityKind.STORE_DOMAIN]],
    [{ email: 'j.d+x@gmail.com', storeUrl: 'http://DODGY-STORE.com:8080' }, [BanIdentityKind.STORE_DOMAIN]], // new email, same store
    [{ email: 'jd@gmail.com' }, []], // a different person
    [{ email: 'john.doe+1@gmail.com', storeUrl: 'https://www.dodgy-store.com' }, [BanIdentityKind.EMAIL, BanIdentityKind.STORE_DOMAIN]],
    [{ email: 'other@example.com', storeUrl: 'https://clean-store.com' }, []],
  ])('sign-up %j matches %j', (customer, kinds) => {
    expect(matchBannedIdentity(customer, banned).map((k) => k.kind)).toEqual(kinds);
  });
});

describe('"banned permanently": a subdomain of a banned store is the same store', () => {
  it.each([
    ['shop.example.com', ['shop.example.com', 'example.com']],
    ['eu.shop.example.co.uk', ['eu.shop.example.co.uk', 'shop.example.co.uk', 'example.co.uk', 'co.uk']],
    ['example.com', ['example.com']],
  ])('%s is checked against %j', (host, keys) => {
    expect(domainAndParents(host)).toEqual(keys);
  });

  it('a sign-up on a subdomain matches the banned domain; a sibling does not', () => {
    const banned = [{ kind: BanIdentityKind.STORE_DOMAIN, value: 'banned.example.com' }];
    expect(matchBannedIdentity({ email: 'a@b.test', storeUrl: 'https://eu.banned.example.com' }, banned)).toHaveLength(1);
    expect(matchBannedIdentity({ email: 'a@b.test', storeUrl: 'https://other.example.com' }, banned)).toEqual([]);
  });
});
