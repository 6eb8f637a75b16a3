/**
 * A statement with its values kept apart from the text: every `${value}` becomes a bound
 * parameter (never spliced into the SQL), and a nested `Sql` is inlined with its own values.
 */
export class Sql {
  constructor(
    readonly text: string,
    readonly values: readonly unknown[],
  ) {}

  /** The text with PostgreSQL's numbered placeholders ($1, $2, …). */
  toPostgres(): { text: string; values: unknown[] } {
    let n = 0;
    return { text: this.text.replace(/\uE000/g, () => `$${++n}`), values: [...this.values] };
  }
}

// A private-use character marks a placeholder, so a `?` or `$1` written in the SQL stays as is.
const PLACEHOLDER = '\uE000';

export function sql(strings: TemplateStringsArray, ...values: unknown[]): Sql {
  let text = strings[0]!;
  const bound: unknown[] = [];
  values.forEach((value, i) => {
    if (value instanceof Sql) {
      text += value.text;
      bound.push(...value.values);
    } else {
      text += PLACEHOLDER;
      bound.push(value === undefined ? null : value);
    }
    text += strings[i + 1]!;
  });
  return new Sql(text, bound);
}

/** Fragments joined by `separator` (e.g. ' and '); an empty list gives `empty`. */
export function join(parts: Sql[], separator: string, empty = ''): Sql {
  if (parts.length === 0) return new Sql(empty, []);
  return new Sql(
    parts.map((p) => p.text).join(separator),
    parts.flatMap((p) => p.values),
  );
}

/** Trusted SQL text (an identifier or keyword chosen by the code, never by a caller). */
export function raw(text: string): Sql {
  return new Sql(text, []);
}
