// Policy sections "What is covered by the Commercial Support", "What is not covered by the
// Commercial Support" and "General Premium Support Policy" (server and external
// configuration "are not part of this agreement").

import { PortDecision } from '../platform/platform-rules';

export enum TicketCategory {
  // Covered.
  INSTALLATION_SETUP = 'INSTALLATION_SETUP',
  STORE_CONFIGURATION = 'STORE_CONFIGURATION',
  SYSTEM_CONFIGURATION = 'SYSTEM_CONFIGURATION',
  MODULE_CONFIGURATION = 'MODULE_CONFIGURATION',
  SHIPPING_CONFIGURATION = 'SHIPPING_CONFIGURATION',
  PAYMENT_PROVIDER_CONFIGURATION = 'PAYMENT_PROVIDER_CONFIGURATION',
  LANGUAGE_CONFIGURATION = 'LANGUAGE_CONFIGURATION',
  MODULE_CONSULTATION = 'MODULE_CONSULTATION',
  BUG_FIX = 'BUG_FIX',
  ISSUE_PROFILING = 'ISSUE_PROFILING',
  // Custom development: quoted and billed separately.
  COMPLEX_CUSTOMISATION = 'COMPLEX_CUSTOMISATION',
  CUSTOM_EXTENSION_DEVELOPMENT = 'CUSTOM_EXTENSION_DEVELOPMENT',
  THIRD_PARTY_EXTENSION_IMPROVEMENT = 'THIRD_PARTY_EXTENSION_IMPROVEMENT',
  FRONT_END_CHANGE = 'FRONT_END_CHANGE',
  THEME_CUSTOMISATION = 'THEME_CUSTOMISATION',
  PAYMENT_METHOD_CHANGE = 'PAYMENT_METHOD_CHANGE',
  NEW_FUNCTIONALITY = 'NEW_FUNCTIONALITY',
  // Outside the agreement.
  SERVER_CONFIGURATION = 'SERVER_CONFIGURATION',
  EXTERNAL_CONFIGURATION = 'EXTERNAL_CONFIGURATION',
}

export enum Coverage {
  COVERED = 'COVERED',
  CUSTOM_DEVELOPMENT = 'CUSTOM_DEVELOPMENT',
  OUTSIDE_AGREEMENT = 'OUTSIDE_AGREEMENT',
}

export interface CategoryInfo {
  coverage: Coverage;
  /** One line, merchant-facing. */
  label: string;
  /** What this category includes and whether it is covered or billed. */
  hint: string;
}

const CUSTOM = 'Custom development: quoted and billed separately, work starts once you accept the quote.';
const OUTSIDE = 'Not part of the support agreement: please ask your hosting provider or the service concerned.';

export const CATEGORY_INFO: Record<TicketCategory, CategoryInfo> = {
  [TicketCategory.INSTALLATION_SETUP]: {
    coverage: Coverage.COVERED,
    label: 'Installation and setup',
    hint: 'Installing OpenCart and getting it running. Covered by your support.',
  },
  [TicketCategory.STORE_CONFIGURATION]: {
    coverage: Coverage.COVERED,
    label: 'Store settings',
    hint: 'Questions about your store settings (name, currency, taxes, customer options). Covered by your support.',
  },
  [TicketCategory.SYSTEM_CONFIGURATION]: {
    coverage: Coverage.COVERED,
    label: 'OpenCart system settings',
    hint: 'OpenCart system settings such as users, SEO URLs, mail and maintenance. Covered by your support.',
  },
  [TicketCategory.MODULE_CONFIGURATION]: {
    coverage: Coverage.COVERED,
    label: 'Module settings',
    hint: 'Setting up modules and extensions that are already installed. Covered by your support.',
  },
  [TicketCategory.SHIPPING_CONFIGURATION]: {
    coverage: Coverage.COVERED,
    label: 'Shipping settings',
    hint: 'Setting up shipping methods, rates and geo zones. Covered by your support.',
  },
  [TicketCategory.PAYMENT_PROVIDER_CONFIGURATION]: {
    coverage: Coverage.COVERED,
    label: 'Payment provider settings',
    hint: 'Connecting and configuring a payment provider your OpenCart already supports. Covered by your support.',
  },
  [TicketCategory.LANGUAGE_CONFIGURATION]: {
    coverage: Coverage.COVERED,
    label: 'Language settings',
    hint: 'Adding and configuring store languages. Covered by your support.',
  },
  [TicketCategory.MODULE_CONSULTATION]: {
    coverage: Coverage.COVERED,
    label: 'Module recommendation',
    hint: 'Advice on which module fits your need. Covered by your support.',
  },
  [TicketCategory.BUG_FIX]: {
    coverage: Coverage.COVERED,
    label: 'Bug fix',
    hint: 'Something in OpenCart is broken and needs fixing. Covered by your support.',
  },
  [TicketCategory.ISSUE_PROFILING]: {
    coverage: Coverage.COVERED,
    label: 'Find the cause of a problem',
    hint: 'Tracking down what causes an error or a slowdown. Covered by your support.',
  },
  [TicketCategory.COMPLEX_CUSTOMISATION]: {
    coverage: Coverage.CUSTOM_DEVELOPMENT,
    label: 'Complex customisation for your store',
    hint: `Changes made specifically for your store. ${CUSTOM}`,
  },
  [TicketCategory.CUSTOM_EXTENSION_DEVELOPMENT]: {
    coverage: Coverage.CUSTOM_DEVELOPMENT,
    label: 'New custom extension',
    hint: `Writing an extension that does not exist yet. ${CUSTOM}`,
  },
  [TicketCategory.THIRD_PARTY_EXTENSION_IMPROVEMENT]: {
    coverage: Coverage.CUSTOM_DEVELOPMENT,
    label: "Improving someone else's extension",
    hint: `Changing or extending an extension made by a third party. ${CUSTOM}`,
  },
  [TicketCategory.FRONT_END_CHANGE]: {
    coverage: Coverage.CUSTOM_DEVELOPMENT,
    label: 'Storefront change',
    hint: `Changing how your storefront looks or behaves. ${CUSTOM}`,
  },
  [TicketCategory.THEME_CUSTOMISATION]: {
    coverage: Coverage.CUSTOM_DEVELOPMENT,
    label: 'Theme customisation',
    hint: `Changing your theme. ${CUSTOM}`,
  },
  [TicketCategory.PAYMENT_METHOD_CHANGE]: {
    coverage: Coverage.CUSTOM_DEVELOPMENT,
    label: 'Payment method change',
    hint: `Changing how a payment method works. ${CUSTOM}`,
  },
  [TicketCategory.NEW_FUNCTIONALITY]: {
    coverage: Coverage.CUSTOM_DEVELOPMENT,
    label: 'New feature',
    hint: `Adding functionality OpenCart does not have. ${CUSTOM}`,
  },
  [TicketCategory.SERVER_CONFIGURATION]: {
    coverage: Coverage.OUTSIDE_AGREEMENT,
    label: 'Server configuration',
    hint: `Web server, PHP, database or hosting settings. ${OUTSIDE}`,
  },
  [TicketCategory.EXTERNAL_CONFIGURATION]: {
    coverage: Coverage.OUTSIDE_AGREEMENT,
    label: 'Settings outside OpenCart',
    hint: `Configuring services outside OpenCart (email, DNS, CDN, third-party accounts). ${OUTSIDE}`,
  },
};

export function coverageOf(category: TicketCategory): Coverage {
  return CATEGORY_INFO[category].coverage;
}

export function categoriesWith(coverage: Coverage): TicketCategory[] {
  return (Object.values(TicketCategory) as TicketCategory[]).filter((c) => coverageOf(c) === coverage);
}

/** Only covered work counts towards the monthly / one-time ticket allowance. */
export function consumesAllowance(category: TicketCategory): boolean {
  return coverageOf(category) === Coverage.COVERED;
}

export enum QuoteStatus {
  PENDING = 'PENDING',
  ACCEPTED = 'ACCEPTED',
  DECLINED = 'DECLINED',
}

export type StartWorkCode =
  | 'COVERED'
  | 'QUOTE_ACCEPTED'
  | 'QUOTE_REQUIRED'
  | 'QUOTE_PENDING'
  | 'QUOTE_DECLINED'
  | 'OUTSIDE_AGREEMENT'
  | 'PORT_DECISION_REQUIRED'
  | 'PORT_DENIED'
  | 'SURCHARGE_NOT_ACCEPTED'
  | 'ACCESS_REQUIRED';

export interface StartWorkDecision {
  allowed: boolean;
  code: StartWorkCode;
  message: string;
}

export interface StartWorkInput {
  coverage: Coverage;
  /** The quote for custom development; null/undefined when none was sent. */
  quoteStatus?: QuoteStatus | null;
  /** From assessPlatform: the store runs a non-native port. */
  needsPortDecision?: boolean;
  portDecision?: PortDecision | null;
  /** The merchant's answer to a port surcharge (ACCEPT_WITH_SURCHARGE). */
  surchargeStatus?: QuoteStatus | null;
  /** Working store admin + FTP access given (or waived by staff). Unchecked when undefined. */
  accessProvided?: boolean;
}

/**
 * Whether staff may start working on a ticket. Order: outside the agreement never; on a
 * non-native port, only after staff accepted it (a surcharge also needs the merchant's
 * acceptance); custom development only after the merchant accepted a quote; finally the
 * policy's "you need to submit working web store admin and FTP credentials".
 */
export function canStartWork(input: StartWorkInput): StartWorkDecision {
  if (input.coverage === Coverage.OUTSIDE_AGREEMENT) {
    return {
      allowed: false,
      code: 'OUTSIDE_AGREEMENT',
      message: 'Server and other external configurations are not part of the support agreement.',
    };
  }
  if (input.needsPortDecision) {
    if (input.portDecision == null) {
      return {
        allowed: false,
        code: 'PORT_DECISION_REQUIRED',
        message: 'The store runs a non-native OpenCart port: staff must accept it, set a surcharge, or deny support first.',
      };
    }
    if (input.portDecision === PortDecision.DENY) {
      return { allowed: false, code: 'PORT_DENIED', message: 'Support for this OpenCart port was denied.' };
    }
    if (input.portDecision === PortDecision.ACCEPT_WITH_SURCHARGE && input.surchargeStatus !== QuoteStatus.ACCEPTED) {
      return {
        allowed: false,
        code: 'SURCHARGE_NOT_ACCEPTED',
        message: 'Support for this OpenCart port is offered at a surcharge: the merchant must accept it first.',
      };
    }
  }
  if (input.coverage === Coverage.CUSTOM_DEVELOPMENT) {
    switch (input.quoteStatus) {
      case QuoteStatus.ACCEPTED:
        return input.accessProvided === false ? ACCESS_REQUIRED : { allowed: true, code: 'QUOTE_ACCEPTED', message: 'The merchant accepted the quote.' };
      case QuoteStatus.PENDING:
        return { allowed: false, code: 'QUOTE_PENDING', message: 'Waiting for the merchant to accept the quote.' };
      case QuoteStatus.DECLINED:
        return {
          allowed: false,
          code: 'QUOTE_DECLINED',
          message: 'The merchant declined the quote; custom development is billed separately and cannot start.',
        };
      default:
        return {
          allowed: false,
          code: 'QUOTE_REQUIRED',
          message: 'Custom development is billed separately: send a quote and wait for the merchant to accept it.',
        };
    }
  }
  if (input.accessProvided === false) return ACCESS_REQUIRED;
  return { allowed: true, code: 'COVERED', message: 'Covered by the support plan.' };
}

const ACCESS_REQUIRED: StartWorkDecision = {
  allowed: false,
  code: 'ACCESS_REQUIRED',
  message: 'Working store admin and FTP credentials are needed before support can start.',
};
