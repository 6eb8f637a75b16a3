/**
 * Credentials in a text file (an error log, a config dump, an export) are removed before it
 * is stored: staff never need them, and a stored copy would outlive the vault's shredding.
 * Each rule keeps what says where the secret was (the key, the user, the host) and replaces
 * only the secret with REDACTED.
 */
export const REDACTED = '[REDACTED]';

/**
 * Names whose value is a secret: …password, …secret, …token, …api_key, private_key, and the short
 * pass / pwd / salt only as a whole word part (db_pass, PWD), so "bypass" or "passed" stay.
 *
 * A name is a whole run of name characters (up to 256), read once: the lookbehind lets it start
 * only where the run starts, the lookahead takes the run whole (no backtracking into it), and the
 * secret word is then looked for in it from its end, at a bounded cost. Each run is thus read a
 * bounded number of times, so a long line without spaces (a base64 blob, minified code, 5 MiB of
 * one letter) is read in linear time, while a name of any shape up to 256 characters is still
 * recognised (OC_DB_REPLICA_SLAVE_1_PASS, a dotted Java property). `group` is the number the
 * run's capture has in the rule's pattern.
 */
const secretName = (group: number) =>
  `(?<![A-Za-z0-9_.-])(?=([A-Za-z0-9_.-]{1,256}))\\${group}` +
  `(?<=(?:password|passwd|passphrase|secret|token|api[_.-]?key|apikey|access[_.-]?key|auth[_.-]?key|private[_.-]?key|credentials?)[A-Za-z0-9_.-]{0,256}` +
  `|(?<![A-Za-z0-9])(?:pass|pwd|salt)(?:[_.-][A-Za-z0-9_.-]{0,256})?)`;

/** A PHP constant whose value is a secret, by a word of its name (DB_PASSWORD, STRIPE_SECRET_KEY, AUTH_SALT). */
const SECRET_CONSTANT = /PASSWORD|PASS|KEY|SECRET|TOKEN|SALT/i;

interface Rule {
  name: string;
  pattern: RegExp;
  replace: (...groups: string[]) => string;
}

const RULES: Rule[] = [
  {
    // -----BEGIN RSA PRIVATE KEY----- … -----END RSA PRIVATE KEY----- (the whole block).
    name: 'private key block',
    pattern: /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g,
    replace: (_m, kind) => `-----BEGIN ${kind}PRIVATE KEY-----${REDACTED}-----END ${kind}PRIVATE KEY-----`,
  },
  {
    // ftp://user:secret@host, mysql://root:secret@db/shop, postgres://u:p@h, smtp://…: the password part
    // (user and password bounded, so a long line of "a://b:" is not read again from each of them).
    name: 'URL credentials',
    pattern: /\b([a-z][a-z0-9+.-]{1,20}:\/\/[^\s:/@'"<>]{1,256}):([^\s@'"<>]{1,256})@/gi,
    replace: (_m, head) => `${head}:${REDACTED}@`,
  },
  {
    // define('DB_PASSWORD', 'secret'); and any constant named …PASSWORD / …KEY / …SECRET / …TOKEN / …SALT.
    // The constant's name is read whole once (the lookahead keeps it from being tried again from each
    // of its letters) and its words checked apart: "define('" and a long name without its closing quote
    // was read again from each word of it, quadratic (5 MiB took about an hour).
    name: 'PHP define',
    pattern: /(define\(\s*['"](?=([A-Z0-9_]*))\2['"]\s*,\s*)(['"])(?:\\.|(?!\3).)*(?:\3|$)/gim,
    replace: (match, head, constant, quote) => (SECRET_CONSTANT.test(constant) ? `${head}${quote}${REDACTED}${quote}` : match),
  },
  {
    // 'password' => 'secret', "api_key": "secret", password: 'secret' (quoted values, to the closing quote).
    name: 'quoted value',
    pattern: new RegExp(String.raw`((['"]?)${secretName(3)}\2\s*(?:=>|:|=)\s*)(['"])(?:\\.|(?!\4).)*(?:\4|$)`, 'gim'),
    replace: (_m, head, _q, _name, quote) => `${head}${quote}${REDACTED}${quote}`,
  },
  {
    // password=secret, PWD=secret; (DSNs), api_key: secret (unquoted, up to a space, ; & , or the line's end);
    // MySQL's "(using password: YES)" says no password.
    name: 'key=value',
    pattern: new RegExp(String.raw`(${secretName(2)}\s*(?:=|:)\s*)(?!['"\s]|\[REDACTED\]|(?:YES|NO)\))([^\s;&,'"]+)`, 'gim'),
    replace: (_m, head) => `${head}${REDACTED}`,
  },
  {
    name: 'Authorization header',
    pattern: /\b(Bearer|Basic|Token)\s+([A-Za-z0-9._~+/=-]{8,})/g,
    replace: (_m, scheme) => `${scheme} ${REDACTED}`,
  },
  {
    // Stripe, AWS, GitHub, Slack and Google keys by their own shapes, wherever they stand.
    name: 'known key format',
    pattern:
      /\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{10,}|\bAKIA[0-9A-Z]{16}\b|\bgh[pousr]_[A-Za-z0-9]{30,}|\bxox[abposr]-[A-Za-z0-9-]{10,}|\bAIza[0-9A-Za-z_-]{35}\b/g,
    replace: () => REDACTED,
  },
];

export interface Redaction {
  text: string;
  /** How many secrets were replaced. */
  count: number;
}

export function redactCredentials(input: string): Redaction {
  let text = input;
  let count = 0;
  for (const rule of RULES) {
    text = text.replace(rule.pattern, (...args: unknown[]) => {
      // A value already redacted by an earlier rule is not counted twice.
      const match = args[0] as string;
      const replaced = rule.replace(...(args.slice(0, -2) as string[]));
      if (replaced !== match) count += 1;
      return replaced;
    });
  }
  return { text, count };
}
