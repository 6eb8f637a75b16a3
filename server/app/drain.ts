import type http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type express from 'express';

/** How long a stop waits before it treats a connection with nothing to read as idle. */
const READ_PENDING_MS = 250;

/**
 * A graceful stop for the HTTP server: no new connections; requests already sent on open
 * connections are still read and answered, and the work behind each one (a GraphQL execution
 * whose client went away included) finishes before the database is closed; keep-alive
 * connections close once idle. Apollo's own drain ends connections that have not sent a
 * complete request yet at once, which drops requests already on their way under load.
 */
export class HttpDrain {
  private inFlight = 0;
  private stopping = false;

  constructor(private readonly server: http.Server) {}

  /** Counts work in flight: call the returned function exactly once when it is done. */
  begin(): () => void {
    this.inFlight += 1;
    let ended = false;
    return () => {
      if (!ended) {
        ended = true;
        this.inFlight -= 1;
      }
    };
  }

  /** Express middleware: a request counts until its response is sent or its connection is gone. */
  readonly track: express.RequestHandler = (_req, res, next) => {
    res.once('close', this.begin());
    if (this.stopping) res.setHeader('Connection', 'close');
    next();
  };

  /** Wraps an async handler so that its whole run counts, not only its response. */
  wrap(handler: express.RequestHandler): express.RequestHandler {
    return async (req, res, next) => {
      const end = this.begin();
      try {
        await handler(req, res, next);
      } finally {
        end();
      }
    };
  }

  /** Stops; true when everything finished within `graceMs`, false when connections had to be cut. */
  async stop(graceMs: number): Promise<boolean> {
    this.stopping = true;
    let closed = false;
    const whenClosed = new Promise<void>((resolve) => this.server.close(() => resolve())).then(() => (closed = true));
    const deadline = Date.now() + graceMs;
    await sleep(Math.min(READ_PENDING_MS, graceMs));
    while (Date.now() < deadline) {
      if (this.inFlight === 0) this.server.closeIdleConnections();
      await Promise.race([whenClosed, sleep(50)]);
      if (closed && this.inFlight === 0) return true;
    }
    this.server.closeAllConnections();
    await whenClosed;
    return false;
  }
}
