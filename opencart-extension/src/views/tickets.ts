// Tickets list: number, subject, status, category, due time (admin's time zone), unread replies;
// the allowance left this period; what the desk told about the account; temporary admin users still active.
import type { TicketListQuery, ViewerQuery } from '../generated/graphql';
import { categoryLabel } from '../categories';
import type { Context, DisabledNow, Flash, TemporaryAccess } from '../context';
import { formatDateTime, humanise, relative } from '../format';
import { html, render, type Html } from '../html';
import { viewLink } from '../links';
import { showUnreadCount } from '../unread-badge';
import { alert, busy, errorMessage, flashes } from './common';

type TicketRow = NonNullable<TicketListQuery['tickets']['edges'][number]>['node'];

export function allowance(viewer: ViewerQuery['viewer'] | null | undefined, timezone: string): Html {
  const a = viewer?.customer?.allowance;
  if (!a) return html``;
  return html`<p class="ocsd-allowance" data-testid="allowance">Tickets left this period: <strong>${a.remaining}</strong> of ${a.limit}${
    a.renewsAt ? html` · renews ${formatDateTime(a.renewsAt, timezone)}` : ''
  }</p>`;
}

/** A notice about the merchant's account rather than one ticket (a refund decision, the allowance nearly used). */
export interface AccountNotice {
  id: string;
  title: string;
  body: string;
  occurredAt: string | null;
}

/** The account's unread notices, shown once on the list (showing them reads them). */
export function accountNotices(notices: AccountNotice[], timezone: string): Html {
  if (notices.length === 0) return html``;
  return html`<div class="ocsd-panel" data-testid="account-notices">
    <h3>From the support desk</h3>
    <ul class="ocsd-list">${notices.map(
      (n) =>
        html`<li><strong>${n.title}</strong>${n.occurredAt ? html` <span class="ocsd-muted">${formatDateTime(n.occurredAt, timezone)}</span>` : ''}<br>${n.body}</li>`,
    )}</ul>
  </div>`;
}

function due(t: TicketRow, timezone: string): Html {
  const [label, at] = t.firstReplyDueAt ? ['Reply due', t.firstReplyDueAt] : t.resolutionDueAt ? ['Resolution due', t.resolutionDueAt] : ['', null];
  if (!at) return html`<span class="ocsd-muted">—</span>`;
  return html`<span class="ocsd-due" title="${relative(at)}">${label}: ${formatDateTime(at, timezone)}</span>`;
}

export function ticketRows(tickets: TicketRow[], timezone: string): Html {
  if (tickets.length === 0) return html`<tr><td colspan="6" class="text-center ocsd-muted">No tickets yet.</td></tr>`;
  return html`${tickets.map(
    (t) => html`<tr data-ticket-id="${t.id}">
      <td>${t.number}</td>
      <td><a href="${viewLink(`#ticket/${encodeURIComponent(t.id)}`)}" class="ocsd-subject">${t.subject}</a></td>
      <td><span class="ocsd-status ocsd-status-${t.status.toLowerCase()}">${humanise(t.status)}</span></td>
      <td>${categoryLabel(t.category)}${t.coverage !== 'COVERED' ? html` <span class="ocsd-muted">(${humanise(t.coverage)})</span>` : ''}</td>
      <td>${due(t, timezone)}</td>
      <td>${t.unreadMessageCount > 0 ? html`<span class="ocsd-badge ocsd-badge-unread" title="Unread replies">${t.unreadMessageCount}</span>` : ''}</td>
    </tr>`,
  )}`;
}

export function accessRows(accesses: TemporaryAccess[], canModify: boolean): Html {
  const active = accesses.filter((a) => a.disabledAt === null);
  if (active.length === 0) return html``;
  return html`<div class="ocsd-panel" data-testid="temporary-users">
    <h3>Temporary admin users for support</h3>
    <p class="ocsd-help">The module disables a temporary user as soon as it learns that its ticket is resolved or closed: when this list or the ticket is shown, and on any other admin page at most once a minute. At the latest 30 days after it was created, whether the module is enabled or not.</p>
    <ul class="ocsd-list">${active.map(
      (a) => html`<li><code>${a.username}</code> for ticket ${a.ticketNumber}
        ${canModify ? html`<button type="button" class="btn btn-warning btn-sm" data-disable="${a.ticketId}">Disable now</button>` : ''}</li>`,
    )}</ul>
  </div>`;
}

export async function ticketsView(ctx: Context): Promise<void> {
  const flash = ctx.takeFlash();
  render(ctx.main, html`${flashes(flash)}<p class="ocsd-muted">Loading tickets…</p>`);
  let data: TicketListQuery;
  let viewer: ViewerQuery['viewer'] | null = null;
  let notices: AccountNotice[] = [];
  try {
    [data, viewer, notices] = await Promise.all([
      ctx.endpoint.graphql<TicketListQuery>('TicketList', { first: 50 }),
      ctx.endpoint.graphql<ViewerQuery>('Viewer').then(
        (v) => v.viewer,
        () => null,
      ),
      // Shown here and read now; the menu's count follows. Without an answer the list shows none.
      ctx.endpoint.call<{ notices: AccountNotice[]; unreadCount: number | null }>('notifications.account').then(
        (answer) => {
          showUnreadCount(answer.unreadCount);
          return answer.notices;
        },
        () => [],
      ),
    ]);
  } catch (error) {
    render(ctx.main, html`${flashes(flash)}${alert('danger', errorMessage(error))}`);
    return;
  }
  const tickets = data.tickets.edges.map((e) => e.node);
  flash.push(...disabledNotice(ctx.takeDisabled()));
  render(
    ctx.main,
    html`${flashes(flash)}
      <div class="ocsd-toolbar">${allowance(viewer, ctx.timezone)}
        <a class="btn btn-primary" href="${viewLink('#new')}">New ticket</a></div>
      ${accountNotices(notices, ctx.timezone)}
      ${accessRows(ctx.boot.accesses, ctx.boot.canModify)}
      <div class="table-responsive">
        <table class="table table-bordered table-hover ocsd-table" data-testid="tickets">
          <thead><tr><th>Number</th><th>Subject</th><th>Status</th><th>Category</th><th>Due (${ctx.timezone})</th><th>Unread</th></tr></thead>
          <tbody>${ticketRows(tickets, ctx.timezone)}</tbody>
        </table>
      </div>
      <p class="ocsd-muted">${data.tickets.totalCount} ticket(s).</p>`,
  );
  ctx.main
    .querySelectorAll<HTMLButtonElement>('[data-disable]')
    .forEach((button) => button.addEventListener('click', () => disableAccess(ctx, button.dataset.disable!, button)));
}

/** The temporary users the module disabled while loading the page, because their ticket is finished. */
export function disabledNotice(disabled: DisabledNow[]): Flash[] {
  if (disabled.length === 0) return [];
  return [
    {
      kind: 'info',
      message: html`<span data-testid="disabled-now">${disabled.map(
        (d) => html`The temporary admin user <code>${d.username}</code> of ticket ${d.ticketNumber} was disabled just now: the ticket is resolved or closed. `,
      )}</span>`,
    },
  ];
}

export async function disableAccess(ctx: Context, ticketId: string, button: HTMLElement): Promise<void> {
  try {
    const result = await busy(button.parentElement ?? button, () =>
      ctx.endpoint.call<{ disabled: number; confirmed: boolean; refused?: boolean; messages: string[] }>('access.disable', { ticketId }),
    );
    await ctx.refreshBootstrap();
    ctx.navigate(location.hash || '#tickets', {
      kind: result.confirmed ? 'success' : 'warning',
      message: result.confirmed
        ? 'The temporary admin user is disabled and support has been told.'
        : result.refused
          ? `The temporary admin user is disabled. The support desk did not take the notice (${result.messages.join(' ')}).`
          : `The temporary admin user is disabled. Support could not be told yet (${result.messages.join(' ')}); the module will retry.`,
    });
  } catch (error) {
    ctx.navigate(location.hash || '#tickets', { kind: 'danger', message: errorMessage(error) });
  }
}
