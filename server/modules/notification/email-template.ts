import type { NotificationText } from './notification-rules';

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/**
 * The one email template: a greeting, the notification's sentences, a link to the ticket and
 * how to stop these emails. Plain text and HTML say the same; everything is escaped in HTML
 * (ticket subjects are merchants' words).
 */
export function renderEmail(input: {
  notification: NotificationText;
  recipientName: string;
  ticketUrl: string | null;
  ticketNumber: string | null;
}): EmailContent {
  const { notification, recipientName, ticketUrl, ticketNumber } = input;
  // The title starts with the ticket number when there is a ticket.
  const subject = `[OpenCart Support Desk] ${notification.title}`;
  const footer = 'You receive this email from OpenCart Support Desk. Choose which emails you get, or none, with notificationPreferencesUpdate.';
  const text = [
    `Hello ${recipientName},`,
    '',
    notification.body,
    ...(ticketUrl ? ['', `Open ${ticketNumber ?? 'the ticket'}: ${ticketUrl}`] : []),
    '',
    '-- ',
    footer,
    '',
  ].join('\n');
  const html = [
    '<!doctype html>',
    '<html><body style="font-family: sans-serif; line-height: 1.4">',
    `<p>Hello ${escapeHtml(recipientName)},</p>`,
    `<p>${escapeHtml(notification.body)}</p>`,
    ...(ticketUrl ? [`<p><a href="${escapeHtml(ticketUrl)}">Open ${escapeHtml(ticketNumber ?? 'the ticket')}</a></p>`] : []),
    `<hr><p style="color: #666; font-size: 12px">${escapeHtml(footer)}</p>`,
    '</body></html>',
    '',
  ].join('\n');
  return { subject, text, html };
}

/** `TICKET_URL_TEMPLATE` with `{number}` and `{id}` filled in. */
export function ticketUrl(template: string, ticket: { number: string; globalId: string } | null): string | null {
  if (!ticket) return null;
  return template.replaceAll('{number}', encodeURIComponent(ticket.number)).replaceAll('{id}', encodeURIComponent(ticket.globalId));
}
