import { fileTypeFromBuffer } from 'file-type';

/** The binary types accepted, by the MIME type file-type reads from their first bytes. */
export const BINARY_TYPES_ALLOWED = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/bmp',
  'application/pdf',
  'application/zip',
  'application/gzip',
]);

/** Text formats file-type recognises by their opening; stored and served as plain text. */
const TEXT_TYPES = new Set(['application/xml', 'image/svg+xml', 'text/html']);

export const TEXT_PLAIN = 'text/plain; charset=utf-8';

export type DetectedType = { kind: 'binary'; contentType: string } | { kind: 'text'; contentType: typeof TEXT_PLAIN } | { kind: 'refused'; found: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 without NUL or other control characters than tab, line breaks and form feed: a log, CSV, JSON, XML… */
export function isPlainText(bytes: Uint8Array): boolean {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return false;
  }
  return !/[\u0000-\u0008\u000B\u000E-\u001F\u007F]/.test(text);
}

/**
 * What a file is, from its bytes only: the name and whatever the client says are not trusted
 * (a PNG named .txt is an image; a program named .png is refused). Text of any kind is kept
 * as text/plain, so a browser never renders an uploaded HTML or SVG.
 */
export async function detectType(bytes: Uint8Array): Promise<DetectedType> {
  const found = await fileTypeFromBuffer(bytes);
  if (found && BINARY_TYPES_ALLOWED.has(found.mime)) return { kind: 'binary', contentType: found.mime };
  if ((!found || TEXT_TYPES.has(found.mime)) && isPlainText(bytes)) return { kind: 'text', contentType: TEXT_PLAIN };
  return { kind: 'refused', found: found ? `${found.mime} (.${found.ext})` : 'binary data of no known type' };
}
