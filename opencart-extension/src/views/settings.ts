// Settings: API endpoint and merchant API key (stored in OpenCart's settings; the key is never sent
// back to the browser), a "test connection" button, status.
import type { Context } from '../context';
import type { ViewerQuery } from '../generated/graphql';
import { html, render } from '../html';
import { alert, busy, checked, errorMessage, flashes, value } from './common';
import { allowance } from './tickets';

export async function settingsView(ctx: Context): Promise<void> {
  const s = ctx.boot.settings;
  const flash = ctx.takeFlash();
  const disabled = ctx.boot.canModify ? '' : 'disabled';
  const stored = s.endpoint;
  render(
    ctx.main,
    html`${flashes(flash)}
    <form id="ocsd-settings" class="ocsd-form" autocomplete="off">
      <div id="ocsd-settings-result"></div>
      <div class="form-group mb-3">
        <label class="control-label" for="ocsd-endpoint">API endpoint</label>
        <input class="form-control" id="ocsd-endpoint" name="endpoint" type="url" value="${s.endpoint}" placeholder="https://support.example.com/graphql" ${disabled}>
        <p class="ocsd-help">An https:// address. Plain http:// is accepted only for localhost or 127.0.0.1. If you change the endpoint, enter the API key again: the stored key is only ever sent to the endpoint it was saved with.</p>
      </div>
      <div class="form-group mb-3">
        <label class="control-label" for="ocsd-api-key">Merchant API key</label>
        <input class="form-control" id="ocsd-api-key" name="apiKey" type="password" autocomplete="new-password" placeholder="${
          s.hasApiKey ? `A key is stored (${s.apiKeyHint}). Leave empty to keep it.` : 'Paste the key from your support account'
        }" ${disabled}>
        <p class="ocsd-help">The key is stored in your OpenCart settings and used by your server only; it is never shown again.</p>
      </div>
      <div class="checkbox form-check form-switch mb-3">
        <label class="form-check-label"><input class="form-check-input" type="checkbox" name="status" ${s.status ? 'checked' : ''} ${disabled}> Enabled</label>
        <p class="ocsd-help">Temporary admin users are disabled whether or not the module is enabled: as soon as the module learns that their ticket is resolved or closed, and 30 days after they were created at the latest.</p>
      </div>
      <button type="submit" class="btn btn-primary" ${disabled}>Save</button>
      <button type="button" class="btn btn-default btn-secondary" id="ocsd-test" ${disabled}>Test connection</button>
    </form>
    <p class="ocsd-muted">Detected platform: ${ctx.boot.platform.platform} ${ctx.boot.platform.opencartVersion ?? ''}${
      ctx.boot.platform.platformVersion ? ` (${ctx.boot.platform.platformVersion})` : ''
    } · module for OpenCart ${ctx.boot.line ?? '?'} · time zone ${ctx.timezone}</p>`,
  );
  const form = ctx.main.querySelector<HTMLFormElement>('#ocsd-settings')!;
  const result = form.querySelector<HTMLElement>('#ocsd-settings-result')!;

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const saved = await busy(form, () =>
        ctx.endpoint.call<{ notice?: string | null }>('settings.save', {
          endpoint: value(form, 'endpoint'),
          apiKey: value(form, 'apiKey'),
          status: checked(form, 'status'),
        }),
      );
      await ctx.refreshBootstrap();
      ctx.navigate(
        '#settings',
        saved.notice ? { kind: 'warning', message: `Settings saved. ${saved.notice}` } : { kind: 'success', message: 'Settings saved.' },
      );
    } catch (error) {
      render(result, alert('danger', errorMessage(error)));
    }
  });

  form.querySelector('#ocsd-test')!.addEventListener('click', async () => {
    if (value(form, 'endpoint') !== stored && !value(form, 'apiKey')) {
      render(result, alert('warning', 'Enter your merchant API key to test another endpoint: the stored key is only sent to the endpoint it was saved with.'));
      return;
    }
    render(result, alert('info', 'Testing…'));
    try {
      const { viewer } = await busy(form, () =>
        ctx.endpoint.call<{ viewer: ViewerQuery['viewer'] }>('settings.test', { endpoint: value(form, 'endpoint'), apiKey: value(form, 'apiKey') }),
      );
      const name = viewer?.customer?.name ?? 'your account';
      render(result, html`${alert('success', html`Connected as <strong>${name}</strong>.`)}${allowance(viewer, ctx.timezone)}`);
    } catch (error) {
      render(result, alert('danger', errorMessage(error)));
    }
  });
}
