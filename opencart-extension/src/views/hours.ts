// The support-hours badge: open now, or when support opens next, in the admin's time zone.
import type { SupportHoursQuery } from '../generated/graphql';
import { formatDateTime } from '../format';
import { html, type Html } from '../html';

export function hoursBadge(hours: SupportHoursQuery['supportHours'] | null, timezone: string): Html {
  if (!hours) return html`<span class="ocsd-badge ocsd-badge-muted">Support hours unavailable</span>`;
  const holiday = hours.nextHoliday ? html`<span class="ocsd-muted"> · Next holiday: ${hours.nextHoliday.name} (${hours.nextHoliday.date})</span>` : html``;
  if (hours.open) {
    return html`<span class="ocsd-badge ocsd-badge-open" data-testid="hours">Support is open now${
      hours.nextClosesAt ? html` · until ${formatDateTime(hours.nextClosesAt, timezone)}` : ''
    }</span>${holiday}`;
  }
  return html`<span class="ocsd-badge ocsd-badge-closed" data-testid="hours">Support is closed · opens ${formatDateTime(
    hours.nextOpensAt,
    timezone,
  )}</span>${holiday}`;
}
