import { EndpointError, type UserErrorLike } from '../endpoint';
import { html, type Html } from '../html';
import type { Flash } from '../context';

export function alert(kind: Flash['kind'], message: Html | string): Html {
  return html`<div class="alert alert-${kind} ocsd-alert" role="${kind === 'danger' ? 'alert' : 'status'}">${message}</div>`;
}

export function errorMessage(error: unknown): string {
  if (error instanceof EndpointError) return error.message;
  return 'Something went wrong. Please reload the page.';
}

export function userErrors(errors: readonly UserErrorLike[] | null | undefined): Html {
  if (!errors?.length) return html``;
  return alert('danger', html`<ul class="ocsd-list">${errors.map((e) => html`<li>${e.message}</li>`)}</ul>`);
}

/** Errors as a list inside a message of one's own. */
export function userErrorList(errors: readonly UserErrorLike[] | null | undefined): Html {
  if (!errors?.length) return html``;
  return html`<ul class="ocsd-list" data-testid="errors">${errors.map((e) => html`<li>${e.message}</li>`)}</ul>`;
}

export function flashes(list: Flash[]): Html {
  return html`${list.map((f) => alert(f.kind, f.message))}`;
}

/** Disables a form's buttons while a request runs. */
export async function busy<T>(form: HTMLElement, work: () => Promise<T>): Promise<T> {
  const buttons = Array.from(form.querySelectorAll('button'));
  buttons.forEach((b) => (b.disabled = true));
  form.setAttribute('aria-busy', 'true');
  try {
    return await work();
  } finally {
    buttons.forEach((b) => (b.disabled = false));
    form.removeAttribute('aria-busy');
  }
}

export function value(form: HTMLElement, name: string): string {
  const field = form.querySelector<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>(`[name="${name}"]`);
  return field ? field.value.trim() : '';
}

export function checked(form: HTMLElement, name: string): boolean {
  return form.querySelector<HTMLInputElement>(`[name="${name}"]`)?.checked ?? false;
}

/**
 * The store-access fields shared by the new-ticket form and the ticket page. The support policy asks
 * for working store-admin AND FTP access, so both parts are required. `temporaryBlocked` is the
 * reason a temporary admin user could not log in on this store (login security is on): then that
 * choice is shown disabled, with the reason, and "my own login" is chosen instead.
 */
export function accessFields(prefix: string, temporaryBlocked: string | null = null): Html {
  const blocked = temporaryBlocked !== null;
  return html`
    <p class="ocsd-help" data-testid="access-required"><strong>Support needs both:</strong> a login to your store admin and FTP or SFTP access to your files. The ticket is sent only with both, and nothing is filed until they are complete.</p>
    <fieldset class="ocsd-fieldset">
      <legend>Store admin access <span class="ocsd-required">(required)</span></legend>
      ${blocked ? html`<div data-testid="login-security">${alert('warning', html`<strong>A temporary admin user cannot be used on this store.</strong> ${temporaryBlocked}`)}</div>` : ''}
      <div class="radio form-check"><label class="form-check-label"><input class="form-check-input" type="radio" name="${prefix}adminMode" value="temporary" ${blocked ? 'disabled' : 'checked'}> Create a temporary admin user for support (random strong password, sent to support only; the module disables it as soon as it sees the ticket resolved)</label></div>
      <div class="ocsd-indent">
        <label for="${prefix}userGroup">User group</label>
        <select class="form-control form-select" id="${prefix}userGroup" name="${prefix}userGroup" ${blocked ? 'disabled' : ''}>
          <option value="dedicated">A dedicated "OpenCart Support (temporary)" group with administrator permissions</option>
          <option value="admin">The Administrator group</option>
        </select>
      </div>
      <div class="radio form-check"><label class="form-check-label"><input class="form-check-input" type="radio" name="${prefix}adminMode" value="manual" ${blocked ? 'checked' : ''}> Use an admin login I enter</label></div>
      <div class="ocsd-indent ocsd-grid">
        <label>Admin username <input class="form-control" name="${prefix}adminUsername" autocomplete="off"></label>
        <label>Admin password <input class="form-control" type="password" name="${prefix}adminPassword" autocomplete="new-password"></label>
      </div>
    </fieldset>
    <fieldset class="ocsd-fieldset">
      <legend>FTP or SFTP access <span class="ocsd-required">(required)</span></legend>
      <div class="ocsd-grid">
        <label>Protocol
          <select class="form-control form-select" name="${prefix}ftpProtocol">
            <option value="FTP">FTP</option><option value="FTPS">FTPS</option><option value="SFTP">SFTP</option>
          </select>
        </label>
        <label>Host * <input class="form-control" name="${prefix}ftpHost" placeholder="ftp.example.com" autocomplete="off" aria-required="true"></label>
        <label>Port <input class="form-control" name="${prefix}ftpPort" inputmode="numeric" placeholder="21 (SFTP: 22)"></label>
        <label>Username * <input class="form-control" name="${prefix}ftpUsername" autocomplete="off" aria-required="true"></label>
        <label>Password * <input class="form-control" type="password" name="${prefix}ftpPassword" autocomplete="new-password" aria-required="true"></label>
        <label>Root folder <input class="form-control" name="${prefix}ftpRoot" placeholder="/public_html"></label>
      </div>
      <p class="ocsd-help">The module cannot remove FTP access for you: give support an FTP user of its own if your host allows it, and delete it when the ticket is resolved.</p>
    </fieldset>`;
}

/** The JSON endpoint's answer to "access.provide" (also inside "ticket.create"). */
export interface AccessResult {
  ok: true;
  accepted: boolean;
  /** A resubmitted form: support already has the temporary user made the first time. */
  replayed?: boolean;
  errors: UserErrorLike[];
  temporaryUser: { username: string } | null;
}

export interface AccessChoice {
  createTemporaryAdmin: boolean;
  userGroup: string;
  storeAdmin?: { username: string; password: string };
  fileAccess: { protocol: string; host: string; port?: number; username: string; password: string; rootPath?: string };
}

export function readAccess(form: HTMLElement, prefix: string): AccessChoice {
  const mode = form.querySelector<HTMLInputElement>(`[name="${prefix}adminMode"]:checked`)?.value ?? 'manual';
  const port = value(form, `${prefix}ftpPort`);
  const fileAccess: AccessChoice['fileAccess'] = {
    protocol: value(form, `${prefix}ftpProtocol`) || 'FTP',
    host: value(form, `${prefix}ftpHost`),
    ...(port !== '' ? { port: /^\d+$/.test(port) ? Number(port) : Number.NaN } : {}),
    username: value(form, `${prefix}ftpUsername`),
    password: rawValue(form, `${prefix}ftpPassword`),
    ...(value(form, `${prefix}ftpRoot`) ? { rootPath: value(form, `${prefix}ftpRoot`) } : {}),
  };
  const choice: AccessChoice = { createTemporaryAdmin: mode === 'temporary', userGroup: value(form, `${prefix}userGroup`), fileAccess };
  if (mode !== 'temporary') {
    choice.storeAdmin = { username: value(form, `${prefix}adminUsername`), password: rawValue(form, `${prefix}adminPassword`) };
  }
  return choice;
}

/** What an access choice lacks, in the form's words: checked before anything is sent. */
export function accessProblems(choice: AccessChoice): string[] {
  const problems: string[] = [];
  if (!choice.createTemporaryAdmin && (!choice.storeAdmin?.username || !choice.storeAdmin.password)) {
    problems.push('Store admin access: choose a temporary admin user, or enter your own admin username and password.');
  }
  const file = choice.fileAccess;
  if (!file?.host) problems.push('FTP/SFTP access: enter the host, such as ftp.example.com.');
  if (file?.port !== undefined && !(Number.isInteger(file.port) && file.port >= 1 && file.port <= 65535)) {
    problems.push('FTP/SFTP access: the port must be a number from 1 to 65535 (leave it empty for the usual one).');
  }
  if (!file?.username) problems.push('FTP/SFTP access: enter the username.');
  if (!file?.password) problems.push('FTP/SFTP access: enter the password.');
  return problems;
}

/** A password as typed: spaces at either end may belong to it. */
function rawValue(form: HTMLElement, name: string): string {
  return form.querySelector<HTMLInputElement>(`[name="${name}"]`)?.value ?? '';
}
