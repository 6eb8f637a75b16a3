import { runOperation } from './api';
import { words } from './format';
import type { DashboardSearchQuery, DashboardSearchQueryVariables } from './generated/graphql';
import searchDocument from '../graphql/search.graphql';
import { DateTime } from 'luxon';

export type SearchResult = DashboardSearchQuery['tickets'];

export function searchTickets(text: string, token: string): Promise<SearchResult> {
  return runOperation<DashboardSearchQuery, DashboardSearchQueryVariables>(searchDocument, 'DashboardSearch', { search: text }, token).then(
    (data) => data.tickets,
  );
}

/** The playground of this server, opened on the ticket (its query filled in; the staff token goes under Headers there). */
export function playgroundLink(ticketNumber: string): string {
  return `/graphql?ticket=${encodeURIComponent(ticketNumber)}`;
}

export function renderResults(host: HTMLElement, text: string, result: SearchResult, zone: string): void {
  const heading = document.createElement('p');
  heading.className = 'summary';
  heading.textContent =
    result.totalCount === 0
      ? `No ticket matches “${text}”.`
      : `${result.totalCount.toLocaleString('en-US')} ${result.totalCount === 1 ? 'ticket matches' : 'tickets match'} “${text}”${result.totalCount > result.nodes.length ? ` (best ${result.nodes.length} shown)` : ''}, best match first.`;
  const list = document.createElement('ol');
  list.className = 'results';
  for (const ticket of result.nodes) {
    const item = document.createElement('li');
    const link = document.createElement('a');
    link.href = playgroundLink(ticket.number);
    link.textContent = ticket.number;
    link.title = `Open ${ticket.number} in the playground`;
    const subject = document.createElement('span');
    subject.className = 'subject';
    subject.textContent = ticket.subject;
    const meta = document.createElement('span');
    meta.className = 'meta';
    const filed = DateTime.fromISO(ticket.createdAt, { zone }).toFormat('d LLL yyyy');
    meta.textContent = `${words(ticket.status)} · ${ticket.customer.name} · filed ${filed}`;
    const id = document.createElement('code');
    id.className = 'global-id';
    id.textContent = ticket.id;
    id.title = 'Global ID, for node(id:) in the API';
    item.append(link, subject, meta, id);
    list.append(item);
  }
  host.replaceChildren(heading, list);
}
