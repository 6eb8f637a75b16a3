// A merchant's hands in a real OpenCart admin (3.0 or 4.x): log in, then only clicks on what the admin shows.
// The only address typed in is the admin's login page, as a merchant would open it from a bookmark.
import type { Locator, Page } from 'playwright-core';
import type { Store } from './store';

export const MODULE_NAME = 'OpenCart Support Desk';

/** Everything that went wrong in the page: console errors, uncaught exceptions, failed requests of the store. */
export function watchPage(page: Page, store: Store): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    // A failed load is reported below with its address (the admin's own links to Google Fonts or
    // opencart.com cannot load on a machine without Internet, and are not the module's).
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(`console error on ${page.url()}: ${message.text()}`);
  });
  page.on('requestfailed', (request) => {
    const aborted = request.failure()?.errorText === 'net::ERR_ABORTED';
    if (request.url().startsWith(store.url) && !aborted) problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`);
  });
  // OpenCart asks "Are you sure?" before an uninstall; it reports failed AJAX calls in alert().
  page.on('dialog', (dialog) => {
    if (dialog.type() !== 'confirm') problems.push(`${dialog.type()} on ${page.url()}: ${dialog.message()}`);
    void dialog.accept();
  });
  page.on('pageerror', (error) => problems.push(`uncaught exception on ${page.url()}: ${error.message}`));
  page.on('response', (response) => {
    if (response.url().startsWith(store.url) && response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.url()}`);
  });
  return problems;
}

export async function login(page: Page, store: Store): Promise<void> {
  await page.goto(store.adminUrl);
  await page.locator('input[name="username"]').fill(store.admin.username);
  await page.locator('input[name="password"]').fill(store.admin.password);
  await page.getByRole('button', { name: /login/i }).click();
  // 3.0 posts the form; 4.x logs in over AJAX and then follows the redirect it answered with.
  await page.waitForURL(/route=common\/dashboard/);
  await dismissSecurityNotice(page);
}

/** The dashboard opens a security dialog (install folder, storage folder); a merchant closes it. */
async function dismissSecurityNotice(page: Page): Promise<void> {
  const modal = page.locator('#modal-security');
  await page.waitForLoadState('load');
  if (await modal.count()) {
    // It is shown by a script after load, with a fade.
    await modal.waitFor({ state: 'visible', timeout: 5_000 }).catch(() => undefined);
    if (await modal.isVisible()) {
      await modal.locator('.modal-header button.close, .modal-header button.btn-close').first().click();
      await modal.waitFor({ state: 'hidden' });
    }
  }
}

/** Opens a menu entry of the left column: Extensions > Installer, Extensions > Extensions. */
export async function openMenu(page: Page, section: string, entry: string): Promise<void> {
  const menu = page.locator('#menu');
  const item = menu.locator('li', { has: page.locator(`> a:has-text("${section}")`) }).first();
  const link = item.locator('ul a', { hasText: new RegExp(`^\\s*${entry}\\s*$`) }).first();
  if (!(await link.isVisible())) await item.locator('> a').first().click();
  await link.waitFor({ state: 'visible' });
  await Promise.all([page.waitForEvent('load'), link.click()]);
}

/** Waits for the first of `success` / `failure` to show, and fails with OpenCart's own words on a failure. */
async function outcome(page: Page, success: string, failure: string, step: string): Promise<void> {
  const shown = page.locator(`${success}, ${failure}`).first();
  await shown.waitFor({ timeout: 30_000 });
  if (await page.locator(failure).count()) throw new Error(`${step}: OpenCart says "${(await page.locator(failure).first().textContent())?.trim()}"`);
}

/** Extensions > Installer: upload the package (and on 4.x click Install beside it). */
export async function uploadPackage(page: Page, store: Store, zip: string): Promise<void> {
  await openMenu(page, 'Extensions', 'Installer');
  const chooser = page.waitForEvent('filechooser');
  await page.locator('#button-upload').click();
  await (await chooser).setFiles(zip);
  if (store.line === '3.0') {
    // The upload runs a chain of steps; the last one writes its result into #progress-text.
    await outcome(page, '#progress-text .text-success', '#progress-text .text-danger', 'upload');
    return;
  }
  await outcome(page, '#alert .alert-success', '#alert .alert-danger', 'upload');
  const row = page.locator('#extension tr', { hasText: MODULE_NAME });
  await row.locator('a.btn-success').click();
  await outcome(page, '#progress-text .text-success', '#progress-text .text-danger', 'install in the installer');
  await row.locator('a.btn-warning').waitFor();
}

/** 4.x, Extensions > Installer: Uninstall beside the package (removes its files), then Delete (removes the upload). */
export async function removePackage(page: Page): Promise<void> {
  await openMenu(page, 'Extensions', 'Installer');
  const row = page.locator('#extension tr', { hasText: MODULE_NAME });
  await row.locator('a.btn-warning').click();
  await outcome(page, '#progress-text .text-success', '#progress-text .text-danger', 'uninstall in the installer');
  await row.locator('a.btn-danger').click();
  await outcome(page, '#alert .alert-success', '#alert .alert-danger', 'delete in the installer');
  await row.waitFor({ state: 'detached' });
}

/** Extensions > Extensions, type Modules: the module's row. */
export async function openModules(page: Page): Promise<Locator> {
  await openMenu(page, 'Extensions', 'Extensions');
  const type = page.locator('select[name="type"]');
  // The page loads its first list over AJAX (the select is disabled meanwhile); choosing before it
  // arrives would let that late answer replace the modules list.
  await page.locator('#extension table').first().waitFor();
  await page.locator('select[name="type"]:enabled').waitFor();
  const modules = await type
    .locator('option', { hasText: /^\s*Modules/ })
    .first()
    .getAttribute('value');
  await type.selectOption(modules!);
  const row = page.locator('#extension tr', { hasText: MODULE_NAME });
  await row.waitFor();
  return row;
}

export async function installModule(page: Page): Promise<void> {
  const row = await openModules(page);
  await row.locator('a.btn-success').click();
  await page.locator('#extension tr', { hasText: MODULE_NAME }).locator('a.btn-danger').waitFor();
}

export async function uninstallModule(page: Page): Promise<void> {
  const row = await openModules(page);
  await row.locator('a.btn-danger').click();
  await page.locator('#extension tr', { hasText: MODULE_NAME }).locator('a.btn-success').waitFor();
}

/** Extensions > Extensions > Modules > Edit: the module's own page. */
export async function openModule(page: Page): Promise<void> {
  const row = await openModules(page);
  await Promise.all([page.waitForURL(/oc_support_desk/), row.locator('a.btn-primary').click()]);
  await page.locator('#oc-support-desk nav, #oc-support-desk .alert').first().waitFor();
}

/** The module's navigation: Tickets, New ticket, Settings. */
export function tab(page: Page, name: 'Tickets' | 'New ticket' | 'Settings'): Locator {
  return page.locator('#oc-support-desk nav').getByRole('link', { name, exact: true });
}
