// Every string the API (or the merchant) supplies is escaped on its way into the page: views build
// markup only with the html`` tag, which escapes each interpolated value unless it is already Html.

export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"'`]/g, (c) => ESCAPES[c]!);
}

function piece(value: unknown): string {
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(piece).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(value);
}

/** A template whose interpolations are escaped (arrays are joined, null/undefined/false vanish). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => (out += piece(v) + strings[i + 1]!));
  return new Html(out);
}

/** Plain text with line breaks kept, escaped. */
export function multiline(text: string | null | undefined): Html {
  return new Html(escapeHtml(text ?? '').replace(/\r?\n/g, '<br>'));
}

export function render(target: Element, content: Html): void {
  target.innerHTML = content.value;
}
