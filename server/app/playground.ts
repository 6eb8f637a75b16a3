import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';

const require = createRequire(import.meta.url);

/** Where each IDE asset lives in node_modules: served by us, so the IDE works offline. */
const ASSETS: Record<string, [pkg: string, file: string]> = {
  'react.js': ['react', 'umd/react.production.min.js'],
  'react-dom.js': ['react-dom', 'umd/react-dom.production.min.js'],
  'graphql-ws.js': ['graphql-ws', 'umd/graphql-ws.min.js'],
  'graphiql.js': ['graphiql', 'graphiql.min.js'],
  'graphiql.css': ['graphiql', 'graphiql.min.css'],
};

/** A package's folder, found through Node's resolution (its "exports" may hide the UMD files). */
function packageDir(name: string): string {
  let dir = path.dirname(require.resolve(name));
  while (!existsSync(path.join(dir, 'package.json')) || path.basename(dir) !== name) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`Cannot find the folder of the ${name} package`);
    dir = parent;
  }
  return dir;
}

export const PLAYGROUND_ASSET_PATH = '/playground-assets';

export function playgroundAssets(): Router {
  const router = express.Router();
  for (const [name, [pkg, relative]] of Object.entries(ASSETS)) {
    const file = path.join(packageDir(pkg), relative);
    if (!existsSync(file)) throw new Error(`The playground asset ${file} is missing: run npm install`);
    router.get(`/${name}`, (_req, res) => {
      res.sendFile(file, { maxAge: '1d', headers: { 'X-Content-Type-Options': 'nosniff' } });
    });
  }
  return router;
}

const DEFAULT_QUERY = `# Welcome to OpenCart Support Desk.
# Staff: paste your token under "Headers" as {"Authorization": "Bearer ocs_..."}.
# Merchants: use your API key, {"Authorization": "Bearer ocm_..."}.

query Welcome {
  viewer { kind }
  supportHours { open nextOpensAt nextClosesAt schedule }
  plans { name kind price { formatted } ticketAllowance }
}
`;

/** A ticket's human number, as links to the playground carry it (`/graphql?ticket=OC-000123`). */
export const TICKET_NUMBER = /^OC-\d{6,12}$/;

/** What the playground opens with for a link to one ticket (the dashboard's search results, emails). */
export function ticketQuery(ticketNumber: string): string {
  return `# Ticket ${ticketNumber}. Staff: put your token under "Headers" as {"Authorization": "Bearer ocs_..."} and run.
query Ticket {
  ticketByNumber(number: "${ticketNumber}") {
    id number subject status priority category createdAt
    customer { name email }
    assignee { name }
    sla { firstReply { dueAt remainingMinutes breached } resolution { dueAt remainingMinutes breached } }
    messages(first: 20) { nodes { authorKind internal body createdAt } }
  }
}
`;
}

/** The GraphiQL page. Everything it loads comes from this server. */
export function playgroundHtml(endpoint: string, options: { ticketNumber?: string } = {}): string {
  const ticket = options.ticketNumber && TICKET_NUMBER.test(options.ticketNumber) ? ticketQuery(options.ticketNumber) : null;
  const config = JSON.stringify({ endpoint, query: DEFAULT_QUERY, ticketQuery: ticket }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>OpenCart Support Desk · GraphQL</title>
  <link rel="stylesheet" href="${PLAYGROUND_ASSET_PATH}/graphiql.css">
  <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="graphiql">Loading the GraphQL IDE…</div>
  <script type="application/json" id="playground-config">${config}</script>
  <script src="${PLAYGROUND_ASSET_PATH}/react.js"></script>
  <script src="${PLAYGROUND_ASSET_PATH}/react-dom.js"></script>
  <script src="${PLAYGROUND_ASSET_PATH}/graphiql.js"></script>
  <script src="${PLAYGROUND_ASSET_PATH}/graphql-ws.js"></script>
  <script src="${PLAYGROUND_ASSET_PATH}/playground.js"></script>
</body>
</html>`;
}

/** Kept out of the HTML so a strict Content-Security-Policy (no inline scripts) holds. */
export const PLAYGROUND_BOOT = `(function () {
  var config = JSON.parse(document.getElementById('playground-config').textContent);
  var httpFetcher = GraphiQL.createFetcher({ url: new URL(config.endpoint, location.href).toString() });
  // Subscriptions go over graphql-ws on the same path, signed in with the Authorization header of the Headers tab.
  var wsUrl = new URL(config.endpoint, location.href);
  wsUrl.protocol = wsUrl.protocol === 'https:' ? 'wss:' : 'ws:';
  var wsClients = {};
  function wsClientFor(authorization) {
    var key = authorization || '';
    if (!wsClients[key]) {
      wsClients[key] = graphqlWs.createClient({ url: wsUrl.toString(), connectionParams: authorization ? { Authorization: authorization } : {}, lazy: true, retryAttempts: 0 });
    }
    return wsClients[key];
  }
  function isSubscription(params, opts) {
    var doc = opts && opts.documentAST;
    if (!doc) return /^\\s*subscription\\b/.test(params.query || '');
    var operations = doc.definitions.filter(function (d) { return d.kind === 'OperationDefinition'; });
    var chosen = operations.find(function (d) { return d.name && d.name.value === params.operationName; }) || (operations.length === 1 ? operations[0] : null);
    return !!chosen && chosen.operation === 'subscription';
  }
  function header(headers, name) {
    for (var key in headers || {}) if (key.toLowerCase() === name) return headers[key];
    return undefined;
  }
  var fetcher = function (params, opts) {
    if (!isSubscription(params, opts)) return httpFetcher(params, opts);
    return wsClientFor(header(opts && opts.headers, 'authorization')).iterate(params);
  };
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultQuery: config.query,
    // A link to a ticket replaces whatever query the IDE kept from last time.
    query: config.ticketQuery || undefined,
    defaultEditorToolsVisibility: 'headers',
    shouldPersistHeaders: false,
  }));
})();`;
