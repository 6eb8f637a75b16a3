// Ticket categories as the merchant sees them: what is covered and what is billed as custom
// development (policy: "What is covered" / "What is not covered by the Commercial Support").
// test/extension/ui.test.ts checks this list against the TicketCategory descriptions in schema.graphql.
import type { Coverage, TicketCategory } from './generated/graphql';

export interface CategoryInfo {
  value: TicketCategory;
  coverage: Coverage;
  label: string;
  hint: string;
}

const CUSTOM = 'Custom development: quoted and billed separately, work starts once you accept the quote.';
const OUTSIDE = 'Not part of the support agreement: please ask your hosting provider or the service concerned.';

const c = (value: string, coverage: string, label: string, hint: string): CategoryInfo => ({
  value: value as TicketCategory,
  coverage: coverage as Coverage,
  label,
  hint,
});

export const CATEGORIES: CategoryInfo[] = [
  c('INSTALLATION_SETUP', 'COVERED', 'Installation and setup', 'Installing OpenCart and getting it running. Covered by your support.'),
  c(
    'STORE_CONFIGURATION',
    'COVERED',
    'Store settings',
    'Questions about your store settings (name, currency, taxes, customer options). Covered by your support.',
  ),
  c(
    'SYSTEM_CONFIGURATION',
    'COVERED',
    'OpenCart system settings',
    'OpenCart system settings such as users, SEO URLs, mail and maintenance. Covered by your support.',
  ),
  c('MODULE_CONFIGURATION', 'COVERED', 'Module settings', 'Setting up modules and extensions that are already installed. Covered by your support.'),
  c('SHIPPING_CONFIGURATION', 'COVERED', 'Shipping settings', 'Setting up shipping methods, rates and geo zones. Covered by your support.'),
  c(
    'PAYMENT_PROVIDER_CONFIGURATION',
    'COVERED',
    'Payment provider settings',
    'Connecting and configuring a payment provider your OpenCart already supports. Covered by your support.',
  ),
  c('LANGUAGE_CONFIGURATION', 'COVERED', 'Language settings', 'Adding and configuring store languages. Covered by your support.'),
  c('MODULE_CONSULTATION', 'COVERED', 'Module recommendation', 'Advice on which module fits your need. Covered by your support.'),
  c('BUG_FIX', 'COVERED', 'Bug fix', 'Something in OpenCart is broken and needs fixing. Covered by your support.'),
  c('ISSUE_PROFILING', 'COVERED', 'Find the cause of a problem', 'Tracking down what causes an error or a slowdown. Covered by your support.'),
  c('COMPLEX_CUSTOMISATION', 'CUSTOM_DEVELOPMENT', 'Complex customisation for your store', `Changes made specifically for your store. ${CUSTOM}`),
  c('CUSTOM_EXTENSION_DEVELOPMENT', 'CUSTOM_DEVELOPMENT', 'New custom extension', `Writing an extension that does not exist yet. ${CUSTOM}`),
  c(
    'THIRD_PARTY_EXTENSION_IMPROVEMENT',
    'CUSTOM_DEVELOPMENT',
    "Improving someone else's extension",
    `Changing or extending an extension made by a third party. ${CUSTOM}`,
  ),
  c('FRONT_END_CHANGE', 'CUSTOM_DEVELOPMENT', 'Storefront change', `Changing how your storefront looks or behaves. ${CUSTOM}`),
  c('THEME_CUSTOMISATION', 'CUSTOM_DEVELOPMENT', 'Theme customisation', `Changing your theme. ${CUSTOM}`),
  c('PAYMENT_METHOD_CHANGE', 'CUSTOM_DEVELOPMENT', 'Payment method change', `Changing how a payment method works. ${CUSTOM}`),
  c('NEW_FUNCTIONALITY', 'CUSTOM_DEVELOPMENT', 'New feature', `Adding functionality OpenCart does not have. ${CUSTOM}`),
  c('SERVER_CONFIGURATION', 'OUTSIDE_AGREEMENT', 'Server configuration', `Web server, PHP, database or hosting settings. ${OUTSIDE}`),
  c(
    'EXTERNAL_CONFIGURATION',
    'OUTSIDE_AGREEMENT',
    'Settings outside OpenCart',
    `Configuring services outside OpenCart (email, DNS, CDN, third-party accounts). ${OUTSIDE}`,
  ),
];

export const COVERAGE_GROUPS: Array<{ coverage: string; label: string }> = [
  { coverage: 'COVERED', label: 'Covered by your support' },
  { coverage: 'CUSTOM_DEVELOPMENT', label: 'Custom development (quoted and billed separately)' },
  { coverage: 'OUTSIDE_AGREEMENT', label: 'Not part of the support agreement' },
];

export function categoryLabel(value: string): string {
  return CATEGORIES.find((c) => c.value === value)?.label ?? value;
}
