// Policy: "All support communication will be handled only in English."
// A ticket in another language is not rejected: the merchant gets a plain notice. We only
// flag what we can judge: short texts and code/log dumps count as English, and a text is
// flagged only when neither detector (franc, ELD) finds it English.

import { francAll } from 'franc-min';

// ELD's n-gram tables take longer to load than the rest of the server's start: loaded at its
// first use (a text franc does not find English), once per process.
let eldDetector: Promise<typeof import('eld/medium').eld> | undefined;

function loadEld(): Promise<typeof import('eld/medium').eld> {
  eldDetector ??= import('eld/medium').then(
    (module) => module.eld,
    (error: unknown) => {
      eldDetector = undefined;
      throw error;
    },
  );
  return eldDetector;
}

/** Fewer letters than this (after removing code, URLs, paths, logs) cannot be judged. */
export const MIN_LETTERS_TO_JUDGE = 20;

/**
 * English wins when franc scores it at least this close to the top language (franc scores
 * are 0..1 relative to the best match). Short English support sentences full of technical
 * words sometimes come out as Italian or Dutch at ~0.86-0.94, while German, French and
 * Spanish tickets score English at ≤ ~0.8.
 */
export const ENGLISH_MARGIN = 0.85;

export const ENGLISH_ONLY_NOTICE =
  'Thank you for your ticket. Our support is handled only in English, so we will reply in English. ' +
  'Your ticket has been received and is not rejected; if you can, please add a short description in English so we can help you faster.';

const LINE_PATTERNS: RegExp[] = [
  // PHP errors and warnings, as displayed or as logged ("PHP Warning:  ...").
  /^\s*(?:\[[^\]]*\]\s*)?(?:PHP\s+)?(?:Warning|Notice|Fatal error|Parse error|Deprecated|Strict Standards|Catchable fatal error|Recoverable fatal error|Uncaught|Stack trace)\b.*$/gim,
  // Stack-trace frames: "#0 /var/www/... (12): ..."
  /^\s*#\d+\s.*$/gm,
  // Log lines starting with a timestamp: "2024-03-01 10:00:00 - ...", "[01-Mar-2024 10:00:00 UTC] ..."
  /^\s*\[?\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}.*$/gm,
  /^\s*\[\d{1,2}-[A-Za-z]{3}-\d{4}[^\]]*\].*$/gm,
  // "... in /path/file.php on line 12"
  /^.*\bon line \d+.*$/gim,
  // SQL as echoed by OpenCart's DB error: "Error: ... Error No: 1054 ... SELECT ..."
  /^\s*(?:Error No:|Error:|SQL:|(?:SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER)\b).*$/gm,
];

const INLINE_PATTERNS: RegExp[] = [
  /```[\s\S]*?(?:```|$)/g,
  /~~~[\s\S]*?(?:~~~|$)/g,
  /`[^`\n]*`/g,
  /<\?php[\s\S]*?(?:\?>|$)/gi,
  /<\/?[a-z][^>]*>/gi,
  /\b(?:https?|ftps?|sftp):\/\/\S+/gi,
  /\bwww\.\S+/gi,
  /\S+@\S+\.\S+/g,
  // Windows and Unix paths, and relative paths such as admin/controller/x.php.
  /\b[a-z]:\\\S*/gi,
  /(?:^|\s)~?\.{0,2}\/\S+/g,
  /\b[\w.-]+(?:\/[\w.-]+)+\/?/g,
  // File names and identifiers: config.php, module_x_status, $order_info, ->getProducts()
  /\S+\.(?:php|tpl|twig|js|css|xml|json|sql|log|zip|ini|htaccess)\b/gi,
  /\$\w+/g,
  /\S*(?:->|::)\S*/g,
  /\b\w+_\w+\b/g,
];

// A line that is mostly symbols/digits is code or data, not prose.
function isCodeLike(line: string): boolean {
  const visible = line.replace(/\s/g, '');
  if (visible.length === 0) return false;
  const letters = (visible.match(/\p{L}/gu) ?? []).length;
  if (letters / visible.length < 0.6) return true;
  return /[;{}]\s*$/.test(line.trim()) || /^\s*(?:\}|\{|\/\/|\/\*|\*)/.test(line);
}

/** The prose of a ticket: code blocks, URLs, emails, paths, PHP/log lines removed. */
export function extractProse(text: string): string {
  let out = text.replace(/\r\n?/g, '\n');
  for (const re of INLINE_PATTERNS.slice(0, 4)) out = out.replace(re, ' ');
  for (const re of LINE_PATTERNS) out = out.replace(re, ' ');
  out = out
    .split('\n')
    .filter((line) => !isCodeLike(line))
    .join('\n');
  for (const re of INLINE_PATTERNS.slice(4)) out = out.replace(re, ' ');
  return out.replace(/[ \t]+/g, ' ').trim();
}

export function countLetters(text: string): number {
  return (text.match(/\p{L}/gu) ?? []).length;
}

/**
 * ISO 639-3 code of the prose's language ('eng', 'deu', ...), or 'und' when it cannot be
 * judged (too short, only code). English wins when it is within ENGLISH_MARGIN of the top.
 */
export async function detectLanguage(text: string): Promise<string> {
  const prose = extractProse(text);
  if (countLetters(prose) < MIN_LETTERS_TO_JUDGE) return 'und';
  const ranked = francAll(prose, { minLength: MIN_LETTERS_TO_JUDGE });
  const [top] = ranked;
  if (!top || top[0] === 'und') return 'und';
  const english = ranked.find(([code]) => code === 'eng');
  if (english && english[1] >= ENGLISH_MARGIN) return 'eng';
  // A second opinion before flagging: franc's trigrams misjudge two short English lines
  // ("Same submission / Blank page after checkout." comes out French); ELD's n-grams do not.
  if ((await loadEld()).detect(prose).language === 'en') return 'eng';
  return top[0];
}

export interface EnglishAssessment {
  english: boolean;
  /** ISO 639-3 code; null when the text could not be judged. */
  detected: string | null;
  /** Merchant-facing notice when the ticket does not look English; null otherwise. */
  notice: string | null;
}

export async function assessEnglish(text: string): Promise<EnglishAssessment> {
  const code = await detectLanguage(text);
  if (code === 'und') return { english: true, detected: null, notice: null };
  if (code === 'eng') return { english: true, detected: 'eng', notice: null };
  return { english: false, detected: code, notice: ENGLISH_ONLY_NOTICE };
}
