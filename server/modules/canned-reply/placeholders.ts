import { DateTime } from 'luxon';

/**
 * The placeholders a canned reply may use, written `{{name}}` (spaces inside the braces are
 * allowed). They are filled in when an agent uses the reply on a ticket, never when it is saved,
 * so a reply written today shows the due time of the ticket it is used on.
 */
export const PLACEHOLDERS = {
  merchant_name: "The merchant's name.",
  merchant_company: "The merchant's company, or their name when none is known.",
  ticket_number: 'The ticket number, e.g. OC-000123.',
  ticket_subject: "The ticket's subject.",
  due_at: 'When the next reply or the resolution is due, in the support time zone (e.g. "Tue, Mar 3, 2026, 12:00 PM EST").',
  agent_name: 'The name of the staff member using the reply.',
} as const;

export type PlaceholderName = keyof typeof PLACEHOLDERS;

export type PlaceholderValues = Record<PlaceholderName, string>;

const TOKEN = /\{\{\s*([^{}]*?)\s*\}\}/g;

export interface PlaceholderCheck {
  ok: boolean;
  /** Names used that are not placeholders, in order of first use. */
  unknown: string[];
  /** A `{{` without its `}}` (or the reverse): text the agent surely meant as a placeholder. */
  unbalanced: boolean;
}

/** Whether a reply body uses only known placeholders, with well-formed braces. */
export function checkPlaceholders(body: string): PlaceholderCheck {
  const unknown: string[] = [];
  for (const match of body.matchAll(TOKEN)) {
    const name = match[1]!;
    if (!(name in PLACEHOLDERS) && !unknown.includes(name)) unknown.push(name);
  }
  const rest = body.replace(TOKEN, '');
  const unbalanced = rest.includes('{{') || rest.includes('}}');
  return { ok: unknown.length === 0 && !unbalanced, unknown, unbalanced };
}

/** The body with every placeholder replaced by its value (the body was checked when saved). */
export function renderPlaceholders(body: string, values: PlaceholderValues): string {
  return body.replace(TOKEN, (whole, name: string) => (name in values ? values[name as PlaceholderName] : whole));
}

/** A due time as a merchant reads it, in the support zone, with the zone's abbreviation. */
export function formatDueAt(dueAt: DateTime | null, zone: string): string {
  if (!dueAt) return 'not running while the ticket waits (no due time)';
  return dueAt.setZone(zone).setLocale('en-US').toLocaleString({
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    year: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  });
}
