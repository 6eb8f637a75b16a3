// The module's UI: renders into the shell page's #oc-support-desk element and talks only to the
// module's JSON endpoint. Hash routes: #tickets, #new, #ticket/<id>, #settings.
import type { Bootstrap, Context, DisabledNow, Flash } from './context';
import { ModuleEndpoint } from './endpoint';
import type { SupportHoursQuery } from './generated/graphql';
import { html, render } from './html';
import { viewLink } from './links';
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
        <a href="${viewLink('#tickets', win.location.href)}" data-route="tickets">Tickets</a>
        <a href="${viewLink('#new', win.location.href)}" data-route="new">New ticket</a>
        <a href="${viewLink('#settings', win.location.href)}" data-route="settings">Settings</a>
        <span class="ocsd-hours" id="ocsd-hours"></span>
      </nav>
      <div id="ocsd-main"></div>`,
  );
  const main = root.querySelector<HTMLElement>('#ocsd-main')!;
  const hoursBox = root.querySelector<HTMLElement>('#ocsd-hours')!;
  let pending: Flash[] = [];
  let disabled: DisabledNow[] = [];

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
    takeDisabled() {
      const list = disabled;
      disabled = [];
      return list;
    },
  };
  endpoint.onAccesses = (update) => {
    ctx.boot.accesses = update.accesses;
    disabled.push(...update.disabledNow);
  };

  const configured = () => ctx.boot.settings.endpoint !== '' && ctx.boot.settings.hasApiKey;

  async function route(): Promise<void> {
    // Each view renders into a box of its own: when the merchant has moved on before a view's data
    // arrived, that view fills a box no longer in the page instead of replacing the newer view.
    const box = doc.createElement('div');
    main.replaceChildren(box);
    const view: Context = Object.assign(Object.create(ctx) as Context, { main: box });
    const hash = win.location.hash.replace(/^#/, '');
    const [name, ...rest] = hash.split('/');
    const target = !configured() && name !== 'settings' ? 'settings' : name || 'tickets';
    root
      .querySelectorAll<HTMLAnchorElement>('[data-route]')
      .forEach((a) => a.classList.toggle('ocsd-active', a.dataset.route === (target === 'ticket' ? 'tickets' : target)));
    if (target === 'settings') {
      if (!configured() && pending.length === 0) pending.push({ kind: 'info', message: 'Enter the API endpoint and your merchant API key to start.' });
      return settingsView(view);
    }
    if (target === 'new') return newTicketView(view);
    if (target === 'ticket' && rest.length > 0) return ticketView(view, decodeURIComponent(rest.join('/')));
    return ticketsView(view);
  }

  win.addEventListener('hashchange', () => void route());
  // Clicking the tab of the view already shown changes no hash, so no hashchange: start that view
  // afresh (a new form, a reloaded list) as the merchant expects. Modified clicks open a new tab as usual.
  root.querySelector('.ocsd-nav')!.addEventListener('click', (event) => {
    const link = (event.target as Element).closest<HTMLAnchorElement>('a[data-route]');
    const mouse = event as MouseEvent;
    if (!link || mouse.button !== 0 || mouse.ctrlKey || mouse.metaKey || mouse.shiftKey || mouse.altKey) return;
    if (new URL(link.href).hash !== win.location.hash) return;
    event.preventDefault();
    void route();
  });
  await route();

  if (configured()) {
    endpoint
      .graphql<SupportHoursQuery>('SupportHours', { zone: ctx.timezone })
      .then((d) => render(hoursBox, hoursBadge(d.supportHours, ctx.timezone)))
      .catch(() => render(hoursBox, hoursBadge(null, ctx.timezone)));
  }
  return ctx;
}
