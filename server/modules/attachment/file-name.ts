import { ATTACHMENT_LIMITS } from './attachment-limits';

/**
 * The name to keep: its last path part (a browser may send C:\fakepath\x.log), without
 * control characters or the characters Windows refuses in names, cut to the limit with its
 * extension kept. Null when nothing is left.
 */
export function cleanFileName(raw: string): string | null {
  const last = raw.split(/[\\/]/).pop() ?? '';
  const cleaned = last
    .normalize('NFC')
    .replace(/[\u0000-\u001F\u007F<>:"|?*]/g, '_')
    .trim()
    .replace(/^\.+/, '');
  if (!cleaned || /^_+$/.test(cleaned)) return null;
  const max = ATTACHMENT_LIMITS.fileNameCharacters;
  if (cleaned.length <= max) return cleaned;
  const dot = cleaned.lastIndexOf('.');
  const ext = dot > 0 && cleaned.length - dot <= 16 ? cleaned.slice(dot) : '';
  return cleaned.slice(0, max - ext.length) + ext;
}

/** Standard base64, padding optional, no spaces or line breaks; null when it is not that. */
export function decodeBase64(text: string): Buffer | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 === 1) return null;
  return Buffer.from(text, 'base64');
}
