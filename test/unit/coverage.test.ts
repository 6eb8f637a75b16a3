import { describe, expect, it } from 'vitest';
import { PortDecision } from '../../server/modules/platform/platform-rules';
import {
  canStartWork,
  categoriesWith,
  CATEGORY_INFO,
  consumesAllowance,
  Coverage,
  coverageOf,
  QuoteStatus,
  TicketCategory,
} from '../../server/modules/ticket/coverage';

describe('"What is covered by the Commercial Support"', () => {
  it.each([
    [TicketCategory.INSTALLATION_SETUP, '"OpenCart installation and setup"'],
    [TicketCategory.STORE_CONFIGURATION, '"configuration questions ... store"'],
    [TicketCategory.SYSTEM_CONFIGURATION, '"... system"'],
    [TicketCategory.MODULE_CONFIGURATION, '"... modules"'],
    [TicketCategory.SHIPPING_CONFIGURATION, '"... shipping"'],
    [TicketCategory.PAYMENT_PROVIDER_CONFIGURATION, '"... payment providers"'],
    [TicketCategory.LANGUAGE_CONFIGURATION, '"... languages"'],
    [TicketCategory.MODULE_CONSULTATION, '"module consultations (recommending a module whenever applicable)"'],
    [TicketCategory.BUG_FIX, '"bug fixes"'],
    [TicketCategory.ISSUE_PROFILING, '"issue profiling"'],
  ])('%s is covered (%s) and consumes the allowance', (category) => {
    expect(coverageOf(category)).toBe(Coverage.COVERED);
    expect(consumesAllowance(category)).toBe(true);
  });
});

describe('"What is not covered": "considered a custom development, hence are subject to charge separately"', () => {
  it.each([
    [TicketCategory.COMPLEX_CUSTOMISATION, '"complex customer specific customizations"'],
    [TicketCategory.CUSTOM_EXTENSION_DEVELOPMENT, '"custom extension development"'],
    [TicketCategory.THIRD_PARTY_EXTENSION_IMPROVEMENT, '"improvements of third-party extensions"'],
    [TicketCategory.FRONT_END_CHANGE, '"front end changes"'],
    [TicketCategory.THEME_CUSTOMISATION, '"theme customizations"'],
    [TicketCategory.PAYMENT_METHOD_CHANGE, '"payment method changes"'],
    [TicketCategory.NEW_FUNCTIONALITY, '"general functionality-adding requests"'],
  ])('%s is custom development (%s) and does not consume the allowance', (category) => {
    expect(coverageOf(category)).toBe(Coverage.CUSTOM_DEVELOPMENT);
    expect(consumesAllowance(category)).toBe(false);
    expect(CATEGORY_INFO[category].hint).toMatch(/billed separately/);
  });
});

describe('"support-related issues relating to server configurations or other external OpenCart configurations are not part of this agreement"', () => {
  it.each([[TicketCategory.SERVER_CONFIGURATION], [TicketCategory.EXTERNAL_CONFIGURATION]])(
    '%s is outside the agreement and does not consume the allowance',
    (category) => {
      expect(coverageOf(category)).toBe(Coverage.OUTSIDE_AGREEMENT);
      expect(consumesAllowance(category)).toBe(false);
      expect(CATEGORY_INFO[category].hint).toMatch(/not part of the support agreement/i);
    },
  );
});

describe('CATEGORY_INFO: merchant-facing labels and hints', () => {
  const all = Object.values(TicketCategory);

  it('has the 19 policy categories split 10 / 7 / 2', () => {
    expect(all).toHaveLength(19);
    expect(categoriesWith(Coverage.COVERED)).toHaveLength(10);
    expect(categoriesWith(Coverage.CUSTOM_DEVELOPMENT)).toHaveLength(7);
    expect(categoriesWith(Coverage.OUTSIDE_AGREEMENT)).toHaveLength(2);
  });

  it.each(all.map((c) => [c]))('%s has a one-line label and hint that say whether it is covered', (category) => {
    const info = CATEGORY_INFO[category];
    for (const text of [info.label, info.hint]) {
      expect(text.trim().length).toBeGreaterThan(3);
      expect(text).not.toMatch(/\n/);
    }
    // Merchant-facing: plain words, not the enum name.
    expect(info.label).not.toMatch(/_/);
    const expected = { COVERED: /Covered/, CUSTOM_DEVELOPMENT: /billed separately/, OUTSIDE_AGREEMENT: /Not part/ }[info.coverage];
    expect(info.hint).toMatch(expected);
  });

  it('labels are unique', () => {
    const labels = all.map((c) => CATEGORY_INFO[c].label);
    expect(new Set(labels).size).toBe(labels.length);
  });
});

describe('canStartWork: quote workflow ("subject to charge separately") and prerequisites', () => {
  it.each([
    // coverage, quoteStatus, allowed, code
    [Coverage.COVERED, null, true, 'COVERED'],
    [Coverage.COVERED, QuoteStatus.DECLINED, true, 'COVERED'], // a quote is irrelevant to covered work
    [Coverage.CUSTOM_DEVELOPMENT, null, false, 'QUOTE_REQUIRED'],
    [Coverage.CUSTOM_DEVELOPMENT, undefined, false, 'QUOTE_REQUIRED'],
    [Coverage.CUSTOM_DEVELOPMENT, QuoteStatus.PENDING, false, 'QUOTE_PENDING'],
    [Coverage.CUSTOM_DEVELOPMENT, QuoteStatus.DECLINED, false, 'QUOTE_DECLINED'],
    [Coverage.CUSTOM_DEVELOPMENT, QuoteStatus.ACCEPTED, true, 'QUOTE_ACCEPTED'],
    [Coverage.OUTSIDE_AGREEMENT, null, false, 'OUTSIDE_AGREEMENT'],
    [Coverage.OUTSIDE_AGREEMENT, QuoteStatus.ACCEPTED, false, 'OUTSIDE_AGREEMENT'], // never, even with a quote
  ])('%s with quote %s → allowed %s (%s)', (coverage, quoteStatus, allowed, code) => {
    const d = canStartWork({ coverage, quoteStatus });
    expect(d.allowed).toBe(allowed);
    expect(d.code).toBe(code);
    expect(d.message.length).toBeGreaterThan(5);
  });

  it.each([
    // "we reserve the right to deny support or offer support at a surcharge"
    [null, null, false, 'PORT_DECISION_REQUIRED'],
    [PortDecision.DENY, null, false, 'PORT_DENIED'],
    [PortDecision.ACCEPT, null, true, 'COVERED'],
    [PortDecision.ACCEPT_WITH_SURCHARGE, null, false, 'SURCHARGE_NOT_ACCEPTED'],
    [PortDecision.ACCEPT_WITH_SURCHARGE, QuoteStatus.PENDING, false, 'SURCHARGE_NOT_ACCEPTED'],
    [PortDecision.ACCEPT_WITH_SURCHARGE, QuoteStatus.DECLINED, false, 'SURCHARGE_NOT_ACCEPTED'],
    [PortDecision.ACCEPT_WITH_SURCHARGE, QuoteStatus.ACCEPTED, true, 'COVERED'],
  ])('non-native port, decision %s, surcharge %s → allowed %s (%s)', (portDecision, surchargeStatus, allowed, code) => {
    const d = canStartWork({ coverage: Coverage.COVERED, needsPortDecision: true, portDecision, surchargeStatus });
    expect(d.allowed).toBe(allowed);
    expect(d.code).toBe(code);
  });

  it('a port decision is ignored for native stores', () => {
    expect(canStartWork({ coverage: Coverage.COVERED, needsPortDecision: false, portDecision: PortDecision.DENY }).allowed).toBe(true);
  });

  it.each([
    // "you need to submit working web store admin and FTP credentials"
    [Coverage.COVERED, null, false, false, 'ACCESS_REQUIRED'],
    [Coverage.COVERED, null, true, true, 'COVERED'],
    [Coverage.COVERED, null, undefined, true, 'COVERED'], // not checked by the caller
    [Coverage.CUSTOM_DEVELOPMENT, QuoteStatus.ACCEPTED, false, false, 'ACCESS_REQUIRED'],
    [Coverage.CUSTOM_DEVELOPMENT, QuoteStatus.PENDING, false, false, 'QUOTE_PENDING'], // the quote blocks first
  ])('%s, quote %s, access %s → allowed %s (%s)', (coverage, quoteStatus, accessProvided, allowed, code) => {
    const d = canStartWork({ coverage, quoteStatus, accessProvided });
    expect(d.allowed).toBe(allowed);
    expect(d.code).toBe(code);
  });

  it('precedence: outside the agreement beats a pending port decision; a denied port beats a quote', () => {
    expect(canStartWork({ coverage: Coverage.OUTSIDE_AGREEMENT, needsPortDecision: true }).code).toBe('OUTSIDE_AGREEMENT');
    expect(
      canStartWork({
        coverage: Coverage.CUSTOM_DEVELOPMENT,
        quoteStatus: QuoteStatus.ACCEPTED,
        needsPortDecision: true,
        portDecision: PortDecision.DENY,
      }).code,
    ).toBe('PORT_DENIED');
  });
});
