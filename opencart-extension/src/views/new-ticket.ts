// New ticket: category with a plain hint of what is covered and what is billed; subject and
// description (English-only notice); store access; the detected environment shown read-only.
import { CATEGORIES, COVERAGE_GROUPS } from '../categories';
import type { Context } from '../context';
import { looksEnglish } from '../english';
import type { TicketCreateMutation } from '../generated/graphql';
import { html, render, type Html } from '../html';
import type { UserErrorLike } from '../endpoint';
import { accessFields, accessProblems, alert, busy, checked, errorMessage, readAccess, userErrorList, value, type AccessResult } from './common';
import { fileField, readFiles } from './attachments';

type Environment = Record<string, unknown> & { extensions?: Array<Record<string, string | null>> };

export const ENGLISH_NOTICE =
  'Support is handled in English only. Your text does not look English: you can still send it, but please add a short description in English so we can help you faster.';

function categorySelect(): Html {
  return html`<select class="form-control form-select" id="ocsd-category" name="category" required>
    <option value="">Choose what you need help with…</option>
    ${COVERAGE_GROUPS.map(
      (g) =>
        html`<optgroup label="${g.label}">${CATEGORIES.filter((c) => c.coverage === g.coverage).map(
          (c) => html`<option value="${c.value}">${c.label}</option>`,
        )}</optgroup>`,
    )}
  </select>`;
}

export function environmentTable(env: Environment): Html {
  const rows: Array<[string, unknown]> = [
    ['OpenCart version', env.opencartVersion],
    ['Platform', env.platform],
    ['Platform version', env.platformVersion],
    ['PHP', env.phpVersion],
    ['PHP extensions', Array.isArray(env.phpExtensions) ? env.phpExtensions.join(', ') : null],
    ['Web server', env.webServer],
    ['Database server', env.databaseServer],
    ['Store URL', env.storeUrl],
    ['Admin language', env.adminLanguage],
  ];
  const extensions = env.extensions ?? [];
  return html`<table class="table table-condensed table-sm ocsd-env" data-testid="environment">
      ${rows.map(([k, v]) => html`<tr><th>${k}</th><td>${v ?? html`<span class="ocsd-muted">unknown</span>`}</td></tr>`)}
    </table>
    <h4>Extensions and modifications (${extensions.length})</h4>
    <table class="table table-condensed table-sm ocsd-env">
      <thead><tr><th>Kind</th><th>Code</th><th>Name</th><th>Version</th><th>Author</th><th>Built for</th></tr></thead>
      <tbody>${extensions.map(
        (
          e,
        ) => html`<tr class="${e.targetLine ? 'ocsd-warn' : ''}"><td>${e.kind}</td><td>${e.code}</td><td>${e.name}</td><td>${e.version}</td><td>${e.author}</td>
          <td>${e.targetLine}${e.evidence ? html`<br><small class="ocsd-muted">${e.evidence}</small>` : ''}</td></tr>`,
      )}</tbody>
    </table>
    ${env.errorLogExcerpt ? html`<h4>Error log (last lines, secrets removed)</h4><pre class="ocsd-pre" data-testid="error-log">${String(env.errorLogExcerpt)}</pre>` : ''}
    <details><summary>Exactly what is sent (JSON)</summary><pre class="ocsd-pre" data-testid="environment-json">${JSON.stringify(env, null, 2)}</pre></details>`;
}

function newKey(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return `ocsd-${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export async function newTicketView(ctx: Context): Promise<void> {
  // One key per form: a retried submission files the ticket once and uses the allowance once.
  const idempotencyKey = newKey();
  render(
    ctx.main,
    html`<form class="ocsd-form" id="ocsd-new" novalidate>
      <div id="ocsd-new-errors"></div>
      <div class="form-group mb-3">
        <label for="ocsd-category" class="control-label">Category</label>
        ${categorySelect()}
        <p class="ocsd-hint" id="ocsd-category-hint" data-testid="category-hint">Covered: installation, configuration, module advice, bug fixes and finding the cause of a problem. Custom development (customisations, new or third-party extensions, storefront, theme and payment method changes, new features) is quoted and billed separately.</p>
      </div>
      <div class="form-group mb-3">
        <label for="ocsd-subject" class="control-label">Subject</label>
        <input class="form-control" id="ocsd-subject" name="subject" maxlength="200" required>
      </div>
      <div class="form-group mb-3">
        <label for="ocsd-description" class="control-label">Description</label>
        <textarea class="form-control" id="ocsd-description" name="description" rows="8" required placeholder="What happens, what you expected, and how to see it."></textarea>
        <div id="ocsd-english" data-testid="english-notice"></div>
      </div>
      ${fileField(ctx, 'ocsd-new-files')}
      ${accessFields('', ctx.boot.temporaryAdmin?.message ?? null)}
      <fieldset class="ocsd-fieldset">
        <legend>Your store's environment (sent with the ticket)</legend>
        <div class="checkbox form-check"><label class="form-check-label"><input class="form-check-input" type="checkbox" name="includeErrorLog"> Include the last lines of the error log (passwords, keys and e-mail addresses are removed; you can read them below before sending)</label></div>
        <p class="ocsd-muted" id="ocsd-environment-summary" data-testid="environment-summary">Detecting…</p>
        <p class="ocsd-help">Everything that is sent is listed below the Send button.</p>
      </fieldset>
      <button type="submit" class="btn btn-primary" ${ctx.boot.canModify ? '' : 'disabled'}>Send ticket</button>
      ${ctx.boot.canModify ? '' : html`<span class="ocsd-muted"> You need "modify" permission on this module to send tickets.</span>`}
      <section class="ocsd-panel" data-testid="environment-details">
        <h3>What is sent with the ticket</h3>
        <div id="ocsd-environment"></div>
      </section>
    </form>`,
  );

  const form = ctx.main.querySelector<HTMLFormElement>('#ocsd-new')!;
  const hint = form.querySelector<HTMLElement>('#ocsd-category-hint')!;
  const englishBox = form.querySelector<HTMLElement>('#ocsd-english')!;
  const envBox = form.querySelector<HTMLElement>('#ocsd-environment')!;
  const envSummary = form.querySelector<HTMLElement>('#ocsd-environment-summary')!;
  const errors = form.querySelector<HTMLElement>('#ocsd-new-errors')!;

  form.querySelector('#ocsd-category')!.addEventListener('change', () => {
    const info = CATEGORIES.find((c) => c.value === value(form, 'category'));
    if (info) render(hint, html`<strong>${info.label}.</strong> ${info.hint}`);
  });

  const checkEnglish = () => {
    const text = `${value(form, 'subject')}\n${value(form, 'description')}`;
    render(englishBox, looksEnglish(text) ? html`` : alert('warning', ENGLISH_NOTICE));
  };
  form.querySelector('#ocsd-description')!.addEventListener('input', checkEnglish);
  form.querySelector('#ocsd-subject')!.addEventListener('input', checkEnglish);

  const showEnvironment = async () => {
    try {
      const { environment } = await ctx.endpoint.call<{ environment: Environment }>('environment', { includeErrorLog: checked(form, 'includeErrorLog') });
      render(envBox, environmentTable(environment));
      render(envSummary, html`${environmentSummary(environment)}`);
    } catch (error) {
      render(envSummary, alert('danger', errorMessage(error)));
    }
  };
  form.querySelector('[name="includeErrorLog"]')!.addEventListener('change', showEnvironment);
  void showEnvironment();

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const access = readAccess(form, '');
    const chosen = await readFiles(ctx, form);
    const problems = [
      ...ticketProblems(value(form, 'category'), value(form, 'subject'), value(form, 'description')),
      ...accessProblems(access),
      ...chosen.problems,
    ];
    if (problems.length) {
      render(errors, alert('danger', html`Nothing was sent. Please complete the form:<ul class="ocsd-list">${problems.map((p) => html`<li>${p}</li>`)}</ul>`));
      errors.scrollIntoView?.({ block: 'center' });
      return;
    }
    try {
      const result = await busy(form, () =>
        ctx.endpoint.call<TicketCreateResult>('ticket.create', {
          subject: value(form, 'subject'),
          description: value(form, 'description'),
          category: value(form, 'category'),
          idempotencyKey,
          includeErrorLog: checked(form, 'includeErrorLog'),
          access,
          attachments: chosen.files,
        }),
      );
      const payload = result.data?.ticketCreate;
      if (!payload?.ticket) {
        render(errors, alert('danger', html`The ticket was not filed, and nothing was created in your store.${userErrorList(result.errors)}`));
        errors.scrollIntoView?.({ block: 'center' });
        return;
      }
      await ctx.refreshBootstrap();
      ctx.navigate('#tickets', { kind: 'success', message: filedMessage(payload, result.access) });
    } catch (error) {
      render(errors, alert('danger', html`${errorMessage(error)} Sending the form again is safe: it files at most one ticket.`));
      errors.scrollIntoView?.({ block: 'center' });
    }
  });
}

/** What the ticket part of the form lacks, within the API's limits: checked before anything is sent. */
export function ticketProblems(category: string, subject: string, description: string): string[] {
  const problems: string[] = [];
  if (!category) problems.push('Category: choose what you need help with.');
  if ([...subject].length < 3 || [...subject].length > 200) problems.push('Subject: please write 3 to 200 characters.');
  if ([...description].length < 10) problems.push('Description: please describe the problem in at least 10 characters.');
  return problems;
}

interface TicketCreateResult {
  data: TicketCreateMutation | null;
  errors: UserErrorLike[];
  access?: AccessResult & { storeError?: string };
}

/** What the merchant reads once the ticket is filed: its access went with it, so nothing is asked for. */
export function filedMessage(payload: NonNullable<TicketCreateMutation['ticketCreate']>, access: TicketCreateResult['access']): Html {
  const notes: Html[] = payload.notices.filter((n) => n.code !== 'IDEMPOTENT_REPLAY').map((n) => html`<li>${n.message}</li>`);
  if (access?.replayed) {
    notes.push(
      access.temporaryUser
        ? html`<li>This form was already sent: support keeps the temporary admin user <code>${access.temporaryUser.username}</code> made then (no second user was created).</li>`
        : html`<li>This form was already sent: support keeps the access given then. If support cannot log in, give access again on the ticket page.</li>`,
    );
  } else if (access?.temporaryUser) {
    notes.push(
      html`<li>Support received the temporary admin user <code>${access.temporaryUser.username}</code> and your FTP access. The module disables the user as soon as it sees the ticket resolved or closed.</li>`,
    );
  } else {
    notes.push(html`<li>Support received your admin login and FTP access.</li>`);
  }
  if (access?.storeError) notes.push(html`<li>${access.storeError}</li>`);
  return html`Ticket ${payload.ticket!.number} was sent with its store access.<ul class="ocsd-list">${notes}</ul>`;
}

function environmentSummary(env: Environment): string {
  const extensions = env.extensions?.length ?? 0;
  return `OpenCart ${env.opencartVersion ?? 'version unknown'} (${env.platform ?? 'platform unknown'}), PHP ${env.phpVersion ?? '?'}, ${env.databaseServer ?? 'database unknown'}, ${extensions} extension(s) and modification(s)${env.errorLogExcerpt ? ', error log excerpt' : ''}.`;
}
