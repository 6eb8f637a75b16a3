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
 * The store-access fields shared by the new-ticket form and the ticket page. `temporaryBlocked` is
 * the reason a temporary admin user could not log in on this store (login security is on): then
 * that choice is shown disabled, with the reason, and "my own login" is chosen instead.
 */
export function accessFields(prefix: string, temporaryBlocked: string | null = null): Html {
  const blocked = temporaryBlocked !== null;
  return html`
    <fieldset class="ocsd-fieldset">
      <legend>Store admin access</legend>
      <p class="ocsd-help">Support needs to log in to your admin. The simplest is a temporary admin user that the module disables as soon as the ticket is resolved (and after 30 days at the latest).</p>
      ${blocked ? html`<div data-testid="login-security">${alert('warning', html`<strong>A temporary admin user cannot be used on this store.</strong> ${temporaryBlocked}`)}</div>` : ''}
      <div class="radio form-check"><label class="form-check-label"><input class="form-check-input" type="radio" name="${prefix}adminMode" value="temporary" ${blocked ? 'disabled' : 'checked'}> Create a temporary admin user for support (random strong password, sent to support only)</label></div>
      <div class="ocsd-indent">
        <label for="${prefix}userGroup">User group</label>
        <select class="form-control form-select" id="${prefix}userGroup" name="${prefix}userGroup" ${blocked ? 'disabled' : ''}>
          <option value="dedicated">A dedicated "OpenCart Support (temporary)" group with administrator permissions</option>
          <option value="admin">The Administrator group</option>
        </select>
      </div>
      <div class="radio form-check"><label class="form-check-label"><input class="form-check-input" type="radio" name="${prefix}adminMode" value="manual" ${blocked ? 'checked' : ''}> I will enter an admin login myself</label></div>
      <div class="ocsd-indent ocsd-grid">
        <label>Admin username <input class="form-control" name="${prefix}adminUsername" autocomplete="off"></label>
        <label>Admin password <input class="form-control" type="password" name="${prefix}adminPassword" autocomplete="new-password"></label>
      </div>
      <div class="radio form-check"><label class="form-check-label"><input class="form-check-input" type="radio" name="${prefix}adminMode" value="none"> Not now</label></div>
    </fieldset>
    <fieldset class="ocsd-fieldset">
      <legend>FTP access</legend>
      <div class="ocsd-grid">
        <label>Protocol
          <select class="form-control form-select" name="${prefix}ftpProtocol">
            <option value="FTP">FTP</option><option value="FTPS">FTPS</option><option value="SFTP">SFTP</option>
          </select>
        </label>
        <label>Host <input class="form-control" name="${prefix}ftpHost" placeholder="ftp.example.com" autocomplete="off"></label>
        <label>Port <input class="form-control" name="${prefix}ftpPort" inputmode="numeric" placeholder="21"></label>
        <label>Username <input class="form-control" name="${prefix}ftpUsername" autocomplete="off"></label>
        <label>Password <input class="form-control" type="password" name="${prefix}ftpPassword" autocomplete="new-password"></label>
        <label>Root folder <input class="form-control" name="${prefix}ftpRoot" placeholder="/public_html"></label>
      </div>
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
  fileAccess?: { protocol: string; host: string; port?: number; username: string; password: string; rootPath?: string };
}

export function readAccess(form: HTMLElement, prefix: string): AccessChoice | null {
  const mode = form.querySelector<HTMLInputElement>(`[name="${prefix}adminMode"]:checked`)?.value ?? 'none';
  const choice: AccessChoice = { createTemporaryAdmin: mode === 'temporary', userGroup: value(form, `${prefix}userGroup`) };
  if (mode === 'manual' && value(form, `${prefix}adminUsername`)) {
    choice.storeAdmin = { username: value(form, `${prefix}adminUsername`), password: value(form, `${prefix}adminPassword`) };
  }
  const host = value(form, `${prefix}ftpHost`);
  if (host) {
    const port = Number.parseInt(value(form, `${prefix}ftpPort`), 10);
    choice.fileAccess = {
      protocol: value(form, `${prefix}ftpProtocol`) || 'FTP',
      host,
      ...(Number.isFinite(port) ? { port } : {}),
      username: value(form, `${prefix}ftpUsername`),
      password: value(form, `${prefix}ftpPassword`),
      ...(value(form, `${prefix}ftpRoot`) ? { rootPath: value(form, `${prefix}ftpRoot`) } : {}),
    };
  }
  if (!choice.createTemporaryAdmin && !choice.storeAdmin && !choice.fileAccess) return null;
  return choice;
}
