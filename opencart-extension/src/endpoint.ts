// The browser's only way to the API: the module's JSON endpoint (user_token in its URL). It runs the
// module's own operations by name; the API key never reaches the page.
import type { DisabledNow, TemporaryAccess } from './context';

export class EndpointError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 0,
  ) {
    super(message);
  }
}

export interface UserErrorLike {
  field?: readonly string[] | null;
  message: string;
  code?: string | null;
}

type Ok<T> = { ok: true } & T;

const SESSION_EXPIRED = 'Your admin session has expired. Please reload the page and log in again.';
/** OpenCart's login page (3.0 and 4.x), which it shows in place of any admin route without a valid session. */
const LOGIN_PAGE = /route=common\/login/;

/** What the endpoint adds to the answers that show tickets: the temporary users, after it disabled those of finished tickets. */
export interface AccessUpdate {
  accesses: TemporaryAccess[];
  disabledNow: DisabledNow[];
}

export class ModuleEndpoint {
  /** Called with the temporary users whenever an answer carries them. */
  onAccesses: ((update: AccessUpdate) => void) | null = null;

  constructor(
    private readonly url: string,
    private readonly fetchImpl: typeof fetch = (...args) => fetch(...args),
  ) {}

  async call<T extends object>(action: string, input: object = {}): Promise<Ok<T>> {
    const separator = this.url.includes('?') ? '&' : '?';
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.url}${separator}action=${encodeURIComponent(action)}`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(input),
      });
    } catch {
      throw new EndpointError('NETWORK', 'Your store did not answer. Check your connection and reload the page.');
    }
    const text = await response.text().catch(() => '');
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      // OpenCart answers an expired session with its login page, not JSON; anything else that is not
      // JSON is an error page, and reading it as an expired session would send the merchant astray.
      if (response.status === 401 || response.status === 403 || LOGIN_PAGE.test(text)) {
        throw new EndpointError('SESSION', SESSION_EXPIRED, response.status);
      }
      throw new EndpointError(
        'SERVER',
        `Your store answered with an error page (HTTP ${response.status}) instead of the module's data. The details are in OpenCart's error log (System > Maintenance > Error Logs).`,
        response.status,
      );
    }
    if (!body || body.ok !== true) {
      const error = body?.error ?? {};
      throw new EndpointError(String(error.code ?? 'ERROR'), String(error.message ?? 'Something went wrong.'), response.status);
    }
    return body as Ok<T>;
  }

  /** Runs one of the module's operations; GraphQL errors become an EndpointError. */
  async graphql<TData>(operation: string, variables: object = {}): Promise<TData> {
    const body = await this.call<{ data: TData | null; errors: UserErrorLike[]; accesses?: TemporaryAccess[]; disabledNow?: DisabledNow[] }>('graphql', {
      operation,
      variables,
    });
    if (body.accesses) this.onAccesses?.({ accesses: body.accesses, disabledNow: body.disabledNow ?? [] });
    if (body.errors?.length) throw new EndpointError(body.errors[0]!.code ?? 'GRAPHQL', body.errors[0]!.message);
    if (body.data === null) throw new EndpointError('GRAPHQL', 'The support desk returned no data.');
    return body.data;
  }
}
