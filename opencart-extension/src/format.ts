// Dates in the admin's own time zone (OpenCart's configured zone, passed in by the shell page).

export function formatDateTime(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(date);
}

/** "in 3 h 20 min", "5 min ago". */
export function relative(iso: string, now: Date = new Date()): string {
  const minutes = Math.round((new Date(iso).getTime() - now.getTime()) / 60_000);
  const abs = Math.abs(minutes);
  const days = Math.floor(abs / 1440);
  const hours = Math.floor((abs % 1440) / 60);
  const mins = abs % 60;
  const text = days > 0 ? `${days} d ${hours} h` : hours > 0 ? `${hours} h ${mins} min` : `${mins} min`;
  return minutes >= 0 ? `in ${text}` : `${text} ago`;
}

/** DEVELOPMENT → "Development team": who answers (Premium Support tickets go to the development team). */
export function teamLabel(team: string | null | undefined): string {
  if (!team) return '';
  return `${humanise(team)} team`;
}

const WORDS: Record<string, string> = {};
/** TICKET_STATUS → "Ticket status". */
export function humanise(value: string | null | undefined): string {
  if (!value) return '';
  return (WORDS[value] ??= value.charAt(0) + value.slice(1).toLowerCase().replace(/_/g, ' '));
}
