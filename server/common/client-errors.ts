import { GraphQLError } from 'graphql';

/**
 * Messages about a request's variables, rewritten so they name the path and the problem but
 * never repeat what was sent: graphql-js prints the whole submitted value (`Variable "$input"
 * got invalid value { …, password: "…" }`), and a client that put a secret in the wrong field
 * would see it echoed, and so would anything that records responses.
 */
export function variableErrorMessage(error: unknown, options: { suggestions: boolean }): string | null {
  if (!(error instanceof GraphQLError)) return null;
  const head = /^Variable "\$([A-Za-z_][A-Za-z0-9_]*)" got invalid value /.exec(error.message);
  if (!head) return null;
  const variable = head[1]!;
  const inner = error.originalError;
  const problem = !inner ? 'Invalid value.' : valueFree.has(inner) ? inner.message : describeProblem(inner.message, options);
  // What precedes "; <inner message>" ends with ` at "input.a.b[0]"` when the fault is nested;
  // the path is made of schema field names and indexes only, so it is safe to repeat.
  const prefix = inner && error.message.endsWith(`; ${inner.message}`) ? error.message.slice(0, -(inner.message.length + 2)) : '';
  const at = / at "([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])*)"$/.exec(prefix)?.[1];
  return `Variable "$${variable}" has an invalid value at "${at ?? variable}": ${problem}`;
}

/** The problem in words, without the submitted value; unknown shapes say only "Invalid value". */
function describeProblem(message: string, { suggestions }: { suggestions: boolean }): string {
  const withoutSuggestion = suggestions ? message : message.replace(/ ?Did you mean(.+?)\?$/, '');
  const known = [
    /^Field "[A-Za-z_][A-Za-z0-9_]*" is not defined by type "[A-Za-z_][A-Za-z0-9_]*"\.( Did you mean [A-Za-z0-9_", ]+\?)?$/,
    /^Field "[A-Za-z_][A-Za-z0-9_]*" of required type "[A-Za-z0-9_![\]]+" was not provided\.$/,
    /^Expected type "[A-Za-z0-9_]+" to be an object\.$/,
    /^Expected non-nullable type "[A-Za-z0-9_![\]]+" not to be null\.$/,
  ];
  if (known.some((pattern) => pattern.test(withoutSuggestion))) return withoutSuggestion;
  // "Int cannot represent non-integer value: <value>" and the like: keep the words before the value.
  const represent = /^([A-Za-z]+ cannot represent [A-Za-z -]+?)(?::|$)/.exec(message);
  if (represent) return `${represent[1]}.`;
  const enumValue = /^Value ".*" does not exist in "([A-Za-z0-9_]+)" enum\./s.exec(message);
  if (enumValue) return `Not one of the values of the ${enumValue[1]} enum.`;
  return 'Invalid value.';
}

/** Refusals by our own scalars, whose messages never contain the value: shown as they are. */
const valueFree = new WeakSet<Error>();

/** A scalar's refusal; `message` must not contain the submitted value. */
export function inputError(message: string): GraphQLError {
  const error = new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
  valueFree.add(error);
  return error;
}

const TOKEN_LIMIT = /^Syntax Error: Document contains more tha[nt] \d+ tokens\. Parsing aborted\.$/;

/** graphql-js's parser gave up at the token limit. */
export function isTokenLimitError(message: string): boolean {
  return TOKEN_LIMIT.test(message);
}

/**
 * Apollo's own refusals that carry an HTTP 4xx but no code (e.g. an automatic persisted query
 * whose hash does not match its text): client faults, not server faults.
 */
export function isUncodedClientError(error: unknown): boolean {
  if (!(error instanceof GraphQLError) || error.extensions.code) return false;
  const status = (error.extensions.http as { status?: number } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}
