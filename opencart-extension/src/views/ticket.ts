// Ticket page: the conversation and a reply box; provide or replace access; accept or decline a
// quote or a surcharge; disable the temporary admin user now; withdraw the ticket; request a refund.
import type {
  TicketDetailQuery,
  TicketMarkReadMutation,
  TicketPulseQuery,
  TicketQuoteRespondMutation,
  TicketReplyMutation,
  TicketSurchargeRespondMutation,
  TicketWithdrawMutation,
  RefundRequestMutation,
  ViewerQuery,
} from '../generated/graphql';
import { categoryLabel } from '../categories';
import type { Context } from '../context';
import { looksEnglish } from '../english';
import { formatDateTime, humanise, teamLabel } from '../format';
import { html, multiline, render, type Html } from '../html';
import { viewLink } from '../links';
import { accessFields, accessProblems, alert, busy, errorMessage, flashes, readAccess, userErrorList, userErrors, value, type AccessResult } from './common';
import { attachmentList, bindDownloads, fileField, readFiles } from './attachments';
import { ENGLISH_NOTICE } from './new-ticket';
import { disableAccess, disabledNotice } from './tickets';
import { showUnreadCount } from '../unread-badge';

type Ticket = Extract<NonNullable<TicketDetailQuery['node']>, { __typename?: 'Ticket'; number: string }>;

type Author = Ticket['messages']['edges'][number]['node']['author'];

/**
 * "Dana (Development team)" for staff when the API names the team; "You" for the merchant (the
 * store's account, like the description above the replies); the name alone otherwise.
 */
export function authorName(author: Author): string {
  if (author.kind === 'CUSTOMER') return 'You';
  return author.kind === 'STAFF' && author.team ? `${author.displayName} (${teamLabel(author.team)})` : author.displayName;
}

export function conversation(ticket: Ticket, timezone: string): Html {
  const messages = ticket.messages.edges.map((e) => e.node);
  // The ticket's own files are those of no message: the ones sent with it.
  const onMessages = new Set(messages.flatMap((m) => (m.attachments ?? []).map((a) => a.id)));
  const filedWith = (ticket.attachments ?? []).filter((a) => !onMessages.has(a.id));
  return html`<ol class="ocsd-conversation" data-testid="conversation">
    <li class="ocsd-message ocsd-message-customer"><div class="ocsd-meta">You · ${formatDateTime(ticket.createdAt, timezone)}</div><div class="ocsd-body">${multiline(ticket.description)}</div>${attachmentList(filedWith)}</li>
    ${messages.map(
      (m) => html`<li class="ocsd-message ocsd-message-${m.author.kind.toLowerCase()}">
        <div class="ocsd-meta" data-testid="author">${authorName(m.author)} · ${formatDateTime(m.createdAt, timezone)}</div>
        <div class="ocsd-body">${multiline(m.body)}</div>${attachmentList(m.attachments ?? [])}</li>`,
    )}
  </ol>`;
}

/**
 * How often an open ticket page asks for news. The browser never holds the API key and PHP
 * cannot keep a WebSocket open for it, so the page asks the store's own endpoint (which asks the
 * API) at this bounded interval, and only while the page is visible.
 */
export const TICKET_REFRESH_MS = 20_000;

/**
 * What changes whenever support answers, the status moves or anything else about the ticket does:
 * the page asks only for these (TicketPulse) and fetches the whole ticket again when they change.
 */
function pulse(ticket: { status: string; updatedAt: string; lastActivityAt: string; lastMessage?: { id: string } | null }): string {
  // The last message's ID too: two replies can carry the same instant.
  return `${ticket.status}|${ticket.updatedAt}|${ticket.lastActivityAt}|${ticket.lastMessage?.id ?? ''}`;
}

/**
 * The merchant has the ticket in front of them: its replies and what the desk told about it are
 * read, and the count beside the module in the admin menu follows at once.
 */
function markSeen(ctx: Context, ticket: Ticket): void {
  if (ticket.unreadMessageCount > 0)
    void ctx.endpoint.graphql<TicketMarkReadMutation>('TicketMarkRead', { input: { ticketId: ticket.id } }).catch(() => undefined);
  void ctx.endpoint
    .call<{ unreadCount: number | null }>('notifications.readTicket', { ticketId: ticket.id })
    .then((answer) => showUnreadCount(answer.unreadCount))
    .catch(() => undefined);
}

/**
 * Keeps the conversation and status of the shown ticket current without a reload (the reply
 * being typed stays as it is). Stops once another view or ticket is shown.
 */
function watchTicket(ctx: Context, shown: Ticket): void {
  const conversationNow = () => ctx.main.querySelector<HTMLElement>('[data-testid="conversation"]');
  const list = conversationNow();
  let seen = pulse(shown);
  const timer = window.setInterval(async () => {
    if (!list?.isConnected) return window.clearInterval(timer);
    if (document.visibilityState !== 'visible') return;
    let fresh: Ticket | null = null;
    try {
      const now = (await ctx.endpoint.graphql<TicketPulseQuery>('TicketPulse', { id: shown.id })).node as Parameters<typeof pulse>[0] | null;
      if (!now?.updatedAt || pulse(now) === seen) return;
      const data = await ctx.endpoint.graphql<TicketDetailQuery>('TicketDetail', { id: shown.id, messages: 100 });
      fresh = data.node && 'number' in data.node ? (data.node as Ticket) : null;
    } catch {
      return; // the next round tries again
    }
    const current = conversationNow();
    if (!fresh || !current || current !== list || !list.isConnected) return;
    seen = pulse(fresh);
    const holder = document.createElement('div');
    render(holder, conversation(fresh, ctx.timezone));
    current.replaceChildren(...holder.firstElementChild!.childNodes);
    bindDownloads(ctx, current, ctx.main.querySelector<HTMLElement>('#ocsd-ticket-messages') ?? current);
    const status = ctx.main.querySelector<HTMLElement>('.ocsd-status');
    if (status) {
      status.className = `ocsd-status ocsd-status-${fresh.status.toLowerCase()}`;
      status.textContent = humanise(fresh.status);
    }
    markSeen(ctx, fresh);
  }, TICKET_REFRESH_MS);
}

function decisions(ticket: Ticket, canModify: boolean): Html {
  const parts: Html[] = [];
  if (ticket.quote && ticket.quote.status === 'PENDING') {
    parts.push(html`<div class="ocsd-panel" data-testid="quote"><h3>Quote for custom development: ${ticket.quote.price.formatted}</h3>
      ${ticket.quote.note ? html`<p>${ticket.quote.note}</p>` : ''}
      ${canModify ? html`<button class="btn btn-success" data-respond="quote" data-accept="1">Accept quote</button> <button class="btn btn-default btn-secondary" data-respond="quote" data-accept="0">Decline</button>` : ''}</div>`);
  } else if (ticket.quote) {
    parts.push(html`<p class="ocsd-muted">Quote ${ticket.quote.price.formatted}: ${humanise(ticket.quote.status)}.</p>`);
  }
  const review = ticket.portReview;
  if (review?.surcharge && review.surchargeStatus === 'PENDING') {
    parts.push(html`<div class="ocsd-panel" data-testid="surcharge"><h3>Surcharge for your platform: ${review.surcharge.formatted}</h3>
      <p>Your store does not run native OpenCart; support is offered at a surcharge.${review.note ? html` ${review.note}` : ''}</p>
      ${canModify ? html`<button class="btn btn-success" data-respond="surcharge" data-accept="1">Accept surcharge</button> <button class="btn btn-default btn-secondary" data-respond="surcharge" data-accept="0">Decline</button>` : ''}</div>`);
  } else if (review && !review.pending && review.decision === 'DENY') {
    parts.push(alert('warning', html`Support for your platform was declined.${review.note ? html` ${review.note}` : ''}`));
  }
  return html`${parts}`;
}

export async function ticketView(ctx: Context, id: string): Promise<void> {
  const flash = ctx.takeFlash();
  render(ctx.main, html`${flashes(flash)}<p class="ocsd-muted">Loading the ticket…</p>`);
  let ticket: Ticket | null;
  try {
    const data = await ctx.endpoint.graphql<TicketDetailQuery>('TicketDetail', { id, messages: 100 });
    ticket = data.node && 'number' in data.node ? (data.node as Ticket) : null;
  } catch (error) {
    render(ctx.main, html`${flashes(flash)}${alert('danger', errorMessage(error))}`);
    return;
  }
  if (!ticket) {
    render(ctx.main, alert('warning', 'This ticket does not exist or is not yours.'));
    return;
  }
  const t = ticket;
  const tz = ctx.timezone;
  const temporary = ctx.boot.accesses.find((a) => a.ticketId === t.id && a.disabledAt === null);
  flash.push(...disabledNotice(ctx.takeDisabled()));
  const finished = t.status === 'RESOLVED' || t.status === 'CLOSED';

  render(
    ctx.main,
    html`${flashes(flash)}
    <p><a href="${viewLink('#tickets')}">← All tickets</a></p>
    <h2 class="ocsd-title" data-testid="ticket-title">${t.number}: ${t.subject}</h2>
    <dl class="ocsd-facts">
      <dt>Status</dt><dd><span class="ocsd-status ocsd-status-${t.status.toLowerCase()}">${humanise(t.status)}</span></dd>
      <dt>Category</dt><dd>${categoryLabel(t.category)} (${humanise(t.coverage)})</dd>
      <dt>Reply due</dt><dd>${formatDateTime(t.firstReplyDueAt, tz)}</dd>
      <dt>Resolution due</dt><dd>${formatDateTime(t.resolutionDueAt, tz)}</dd>
      <dt>Store access</dt><dd>${humanise(t.accessState)}${t.accessDisabledAt ? html` · disabled ${formatDateTime(t.accessDisabledAt, tz)}` : ''}</dd>
    </dl>
    ${decisions(t, ctx.boot.canModify)}
    ${
      temporary
        ? html`<div class="ocsd-panel" data-testid="temporary-user"><p>Temporary admin user <code>${temporary.username}</code> is active for this ticket${finished ? ' although the ticket is finished' : ''}.</p>
      ${ctx.boot.canModify ? html`<button type="button" class="btn btn-warning" data-disable="${t.id}">Disable it now</button>` : ''}</div>`
        : ''
    }
    <div id="ocsd-ticket-messages"></div>
    ${conversation(t, tz)}
    ${
      finished || !ctx.boot.canModify
        ? ''
        : html`<form id="ocsd-reply" class="ocsd-form">
      <label for="ocsd-reply-body" class="control-label">Your reply</label>
      <textarea class="form-control" id="ocsd-reply-body" name="body" rows="5" required></textarea>
      <div id="ocsd-reply-english"></div>
      ${fileField(ctx, 'ocsd-reply-files')}
      <button type="submit" class="btn btn-primary">Send reply</button>
    </form>`
    }
    ${
      ctx.boot.canModify && !finished
        ? html`<details class="ocsd-panel"><summary>Provide or replace store access</summary>
      <form id="ocsd-access" class="ocsd-form">${accessFields('a-', ctx.boot.temporaryAdmin?.message ?? null)}<button type="submit" class="btn btn-primary">Send access to support</button></form></details>`
        : ''
    }
    ${
      ctx.boot.canModify && !finished
        ? html`<details class="ocsd-panel"><summary>Withdraw this ticket</summary>
      <form id="ocsd-withdraw" class="ocsd-form">
        <p class="ocsd-help">Withdraw the ticket when you no longer need support for it: it closes. Before support has replied it does not count toward your tickets this month; after a reply it still counts. A temporary admin user given for it is disabled.</p>
        <label class="control-label" for="ocsd-withdraw-reason">Why (optional)</label>
        <textarea class="form-control" id="ocsd-withdraw-reason" name="reason" rows="2" maxlength="2000"></textarea>
        <button type="submit" class="btn btn-warning">Withdraw ticket</button>
      </form></details>`
        : ''
    }
    ${
      ctx.boot.canModify
        ? html`<details class="ocsd-panel"><summary>Request a refund</summary>
      <form id="ocsd-refund" class="ocsd-form">
        <p class="ocsd-help">Refunds are considered when we could not deliver what the support policy promises, for the current month only. They are not granted when hosting or other third parties did not cooperate, or when store admin and FTP access were not provided.</p>
        <label class="control-label" for="ocsd-refund-reason">Reason</label>
        <select class="form-control form-select" id="ocsd-refund-reason" name="reason">
          <option value="SERVICE_NOT_DELIVERED">Support did not deliver what the policy promises</option>
          <option value="STOLEN_CARD">My card was stolen and used for this purchase</option>
          <option value="OTHER">Other</option>
        </select>
        <label class="control-label" for="ocsd-refund-details">Details</label>
        <textarea class="form-control" id="ocsd-refund-details" name="details" rows="3"></textarea>
        <button type="submit" class="btn btn-danger">Request refund</button>
      </form></details>`
        : ''
    }`,
  );

  const messages = ctx.main.querySelector<HTMLElement>('#ocsd-ticket-messages')!;
  const reload = (message: string, kind: 'success' | 'warning' = 'success') => ctx.navigate(`#ticket/${encodeURIComponent(t.id)}`, { kind, message });

  markSeen(ctx, t);
  watchTicket(ctx, t);

  bindDownloads(ctx, ctx.main, messages);

  ctx.main.querySelectorAll<HTMLButtonElement>('[data-disable]').forEach((b) => b.addEventListener('click', () => disableAccess(ctx, t.id, b)));

  ctx.main.querySelectorAll<HTMLButtonElement>('[data-respond]').forEach((b) =>
    b.addEventListener('click', async () => {
      const accept = b.dataset.accept === '1';
      const isQuote = b.dataset.respond === 'quote';
      try {
        const data = await busy(b.parentElement!, () =>
          isQuote
            ? ctx.endpoint.graphql<TicketQuoteRespondMutation>('TicketQuoteRespond', { input: { ticketId: t.id, accept } }).then((d) => d.ticketQuoteRespond)
            : ctx.endpoint
                .graphql<TicketSurchargeRespondMutation>('TicketSurchargeRespond', { input: { ticketId: t.id, accept } })
                .then((d) => d.ticketSurchargeRespond),
        );
        if (data.userErrors.length) return render(messages, userErrors(data.userErrors));
        reload(`${isQuote ? 'Quote' : 'Surcharge'} ${accept ? 'accepted' : 'declined'}.`);
      } catch (error) {
        render(messages, alert('danger', errorMessage(error)));
      }
    }),
  );

  const reply = ctx.main.querySelector<HTMLFormElement>('#ocsd-reply');
  if (reply) {
    const english = reply.querySelector<HTMLElement>('#ocsd-reply-english')!;
    reply
      .querySelector('textarea')!
      .addEventListener('input', () => render(english, looksEnglish(value(reply, 'body')) ? html`` : alert('warning', ENGLISH_NOTICE)));
    reply.addEventListener('submit', async (event) => {
      event.preventDefault();
      const body = value(reply, 'body');
      if (!body) return;
      const chosen = await readFiles(ctx, reply);
      if (chosen.problems.length) {
        return render(messages, alert('danger', html`Nothing was sent.<ul class="ocsd-list">${chosen.problems.map((p) => html`<li>${p}</li>`)}</ul>`));
      }
      try {
        const input = { ticketId: t.id, body, ...(chosen.files.length ? { attachments: chosen.files } : {}) };
        const data = await busy(reply, () => ctx.endpoint.graphql<TicketReplyMutation>('TicketReply', { input }));
        if (data.ticketReply.userErrors.length) return render(messages, userErrors(data.ticketReply.userErrors));
        const notices = data.ticketReply.notices.map((n) => n.message).join(' ');
        reload(`Your reply was sent.${notices ? ` ${notices}` : ''}`);
      } catch (error) {
        render(messages, alert('danger', errorMessage(error)));
      }
    });
  }

  const access = ctx.main.querySelector<HTMLFormElement>('#ocsd-access');
  access?.addEventListener('submit', async (event) => {
    event.preventDefault();
    const choice = readAccess(access, 'a-');
    const problems = accessProblems(choice);
    if (problems.length) {
      return render(
        messages,
        alert('danger', html`Nothing was sent. Please complete the access:<ul class="ocsd-list">${problems.map((p) => html`<li>${p}</li>`)}</ul>`),
      );
    }
    try {
      const result = await busy(access, () => ctx.endpoint.call<AccessResult>('access.provide', { ticketId: t.id, ticketNumber: t.number, ...choice }));
      if (!result.accepted)
        return render(
          messages,
          alert('danger', html`Support did not receive the access, and no temporary admin user is left behind.${userErrorList(result.errors)}`),
        );
      await ctx.refreshBootstrap();
      reload(
        result.temporaryUser
          ? `Support received the temporary admin user ${result.temporaryUser.username} and your FTP access.`
          : 'Support received your admin login and FTP access.',
      );
    } catch (error) {
      render(messages, alert('danger', errorMessage(error)));
    }
  });

  const withdraw = ctx.main.querySelector<HTMLFormElement>('#ocsd-withdraw');
  withdraw?.addEventListener('submit', async (event) => {
    event.preventDefault();
    const reason = value(withdraw, 'reason');
    try {
      const data = await busy(withdraw, () =>
        ctx.endpoint.graphql<TicketWithdrawMutation>('TicketWithdraw', { input: { ticketId: t.id, ...(reason ? { reason } : {}) } }),
      );
      if (data.ticketWithdraw.userErrors.length) return render(messages, userErrors(data.ticketWithdraw.userErrors));
      // The ticket page shown next sees the ticket closed and disables its temporary user first.
      reload('Your ticket was withdrawn and is closed.');
    } catch (error) {
      render(messages, alert('danger', errorMessage(error)));
    }
  });

  const refund = ctx.main.querySelector<HTMLFormElement>('#ocsd-refund');
  refund?.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const viewer = await ctx.endpoint.graphql<ViewerQuery>('Viewer');
      const subscriptions = viewer.viewer.customer?.subscriptions.edges.map((e) => e.node) ?? [];
      const subscriptionId = (subscriptions.find((s) => s.status === 'ACTIVE') ?? subscriptions[0])?.id;
      if (!subscriptionId) return render(messages, alert('danger', 'No active subscription was found for your account.'));
      const data = await busy(refund, () =>
        ctx.endpoint.graphql<RefundRequestMutation>('RefundRequest', {
          input: { subscriptionId, reason: value(refund, 'reason'), details: `Ticket ${t.number}: ${value(refund, 'details')}` },
        }),
      );
      if (data.refundRequest.userErrors.length) return render(messages, userErrors(data.refundRequest.userErrors));
      reload('Your refund request was sent.');
    } catch (error) {
      render(messages, alert('danger', errorMessage(error)));
    }
  });
}
