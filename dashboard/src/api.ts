/** The public GraphQL endpoint of the server that served the page: the only place the page talks to. */
const ENDPOINT = '/graphql';

export class ApiError extends Error {
  constructor(
    message: string,
    /** The error's `extensions.code` (UNAUTHENTICATED, FORBIDDEN, RATE_LIMITED, …), when it has one. */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface GraphQLResponse<Data> {
  data?: Data | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

/**
 * Runs one operation of a document from dashboard/graphql (checked against schema.graphql and
 * typed by `npm run codegen`). The token travels in the Authorization header only, never in a URL.
 */
export async function runOperation<Data, Variables extends Record<string, unknown>>(
  document: string,
  operationName: string,
  variables: Variables,
  token: string,
): Promise<Data> {
  let response: Response;
  try {
    response = await fetch(ENDPOINT, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: document, operationName, variables }),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError('The server cannot be reached. Is it still running?', 'NETWORK');
  }
  let body: GraphQLResponse<Data>;
  try {
    body = (await response.json()) as GraphQLResponse<Data>;
  } catch {
    throw new ApiError(`The server answered HTTP ${response.status} without a GraphQL result.`, response.status === 429 ? 'RATE_LIMITED' : undefined);
  }
  const [first] = body.errors ?? [];
  if (first) throw new ApiError(first.message, first.extensions?.code);
  if (!body.data) throw new ApiError(`The server answered HTTP ${response.status} without data.`);
  return body.data;
}
