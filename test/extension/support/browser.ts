// Headless Chromium for the module's browser tests: the project's one Chromium set-up.
// Missing Chromium skips these tests for a developer and fails them under CI.
import { CHROMIUM_PATH, hasChromium as present, launchChromium, NO_CHROMIUM } from '../../support/chromium';

if (!present && process.env.CI) throw new Error(`CI: ${NO_CHROMIUM}`);

export const CHROMIUM = CHROMIUM_PATH;
export const hasChromium = present;
export const NO_CHROMIUM_MESSAGE = `SKIPPED: ${NO_CHROMIUM}`;
if (!hasChromium) console.warn(NO_CHROMIUM_MESSAGE);

export { launchChromium };
