// The module's UI: renders into the shell page's #oc-support-desk element and talks only to the
// module's JSON endpoint. Hash routes: #tickets, #new, #ticket/<id>, #settings.
import type { Bootstrap, Context, Flash } from './context';
import { ModuleEndpoint } from './endpoint';
import type { SupportHoursQuery } from './generated/graphql';
import { html, render } from './html';
import { injectStyles } from './styles';
import { alert, errorMessage } from './views/common';
import { hoursBadge } from './views/hours';
import { newTicketView } from './views/new-ticket';
import { settingsView } from './views/settings';
import { ticketView } from './views/ticket';
import { ticketsView } from './views/tickets';

export interface MountOptions {
  fetchImpl?: typeof fetch;
  window?: Window;
}

export async function mount(root: HTMLElement, options: MountOptions = {}): Promise<Context | null> {
  const win = options.window ?? window;
  const doc = root.ownerDocument;
  injectStyles(doc);
  const endpoint = new ModuleEndpoint(root.dataset.endpoint ?? '', options.fetchImpl);
  const timezone = root.dataset.timezone || Intl.DateTimeFormat().resolvedOptions().timeZone;

  let boot: Bootstrap;
  try {
    boot = await endpoint.call<Bootstrap>('bootstrap');
  } catch (error) {
    render(root, alert('danger', errorMessage(error)));
    return null;
  }

  render(
    root,
    html`<nav class="ocsd-nav" aria-label="Support desk">
        <a href="#tickets" data-route="tickets">Tickets</a>
        <a href="#new" data-route="new">New ticket</a>
        <a href="#settings" data-route="settings">Settings</a>
        <span class="ocsd-hours" id="ocsd-hours"></span>
      </nav>
      <div id="ocsd-main"></div>`,
  );
  const main = root.querySelector<HTMLElement>('#ocsd-main')!;
  const hoursBox = root.querySelector<HTMLElement>('#ocsd-hours')!;
  let pending: Flash[] = [];

  const ctx: Context = {
    endpoint,
    boot,
    timezone: boot.timezone || timezone,
    main,
    navigate(hash, flash) {
      if (flash) pending.push(flash);
      if (win.location.hash === hash) void route();
      else win.location.hash = hash;
    },
    takeFlash() {
      const list = pending;
      pending = [];
      return list;
    },
    async refreshBootstrap() {
      ctx.boot = await endpoint.call<Bootstrap>('bootstrap');
    },
  };

  const configured = () => ctx.boot.settings.endpoint !== '' && ctx.boot.settings.hasApiKey;

  async function route(): Promise<void> {
    const hash = win.location.hash.replace(/^#/, '');
    const [name, ...rest] = hash.split('/');
    const target = !configured() && name !== 'settings' ? 'settings' : name || 'tickets';
    root.querySelectorAll<HTMLAnchorElement>('[data-route]').forEach((a) =>
      a.classList.toggle('ocsd-active', a.dataset.route === (target === 'ticket' ? 'tickets' : target)),
    );
    if (target === 'settings') {
      if (!configured() && pending.length === 0) pending.push({ kind: 'info', message: 'Enter the API endpoint and your merchant API key to start.' });
      return settingsView(ctx);
    }
    if (target === 'new') return newTicketView(ctx);
    if (target === 'ticket' && rest.length > 0) return ticketView(ctx, decodeURIComponent(rest.join('/')));
    return ticketsView(ctx);
  }

  win.addEventListener('hashchange', () => void route());
  await route();

  if (configured()) {
    endpoint
      .graphql<SupportHoursQuery>('SupportHours', { zone: ctx.timezone })
      .then((d) => render(hoursBox, hoursBadge(d.supportHours, ctx.timezone)))
      .catch(() => render(hoursBox, hoursBadge(null, ctx.timezone)));
  }
  return ctx;
}
