import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium, driven by playwright-core (no browser download needed). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM_PATH);
export const NO_CHROMIUM = `browser tests need Chromium at ${CHROMIUM_PATH}: install it with \`sudo apt-get install -y chromium\` (or set CHROMIUM_PATH).`;

/**
 * Whether to run browser tests. A developer without Chromium sees them skipped with how to get
 * it; under CI (CI=true, which .ci/run sets after installing it) its absence is a failure.
 */
export function browserTestsEnabled(): boolean {
  if (hasChromium) return true;
  if (process.env.CI) throw new Error(`CI: ${NO_CHROMIUM}`);
  console.warn(`SKIPPED: ${NO_CHROMIUM}`);
  return false;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}
