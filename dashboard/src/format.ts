/** Support minutes in words: "45 min", "3 h 05 min"; a dash when there is nothing to measure. */
export function supportTime(minutes: number | null | undefined): string {
  if (minutes === null || minutes === undefined) return '—';
  const rounded = Math.round(minutes);
  if (rounded < 60) return `${rounded} min`;
  const hours = Math.floor(rounded / 60);
  return `${hours} h ${String(rounded % 60).padStart(2, '0')} min`;
}

/** A rate of 0–1 as a whole percentage ("87 %"), or a dash when nothing is decided yet. */
export function percent(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '—' : `${Math.round(rate * 100)} %`;
}

const WORDS: Record<string, string> = {
  NATIVE: 'OpenCart',
  MIJOSHOP: 'MijoShop',
  ACESHOP: 'AceShop',
  JOOCART: 'JooCart',
  JCART: 'JCart',
  OCSTORE: 'ocStore',
  ARASTTA: 'Arastta',
  JOOMLA_OTHER: 'Other Joomla port',
  UNKNOWN: 'Not reported',
  UNASSIGNED: 'Unassigned',
  PREMIUM_MONTHLY: 'Premium Support',
  ONE_TIME_FIX: 'One-time fix',
};

/** An enum key in words ("AWAITING_ACCESS" → "Awaiting access"); a label the server gave (a name) wins. */
export function words(key: string, label?: string): string {
  if (label && label !== key) return label;
  const known = WORDS[key];
  if (known) return known;
  if (!/^[A-Z][A-Z0-9_]*$/.test(key)) return key;
  const text = key.toLowerCase().replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}
