import type http from 'node:http';
import net from 'node:net';
import type express from 'express';

/** How long a stop waits before it treats a connection with nothing to read as idle. */
const READ_PENDING_MS = 250;

/**
 * A graceful stop for the HTTP server: no new connections; requests already sent on open
 * connections (new or kept alive) are still read and answered, and the work behind each one
 * (a GraphQL execution whose client went away included) finishes before the database is
 * closed; keep-alive connections close once idle. Apollo's drain, and Node's own
 * `server.close()`, end connections that have not sent a complete request yet at once, which
 * drops requests already on their way.
 */
export class HttpDrain {
  private inFlight = 0;
  private stopping = false;
  private wake: (() => void) | null = null;

  constructor(private readonly server: http.Server) {}

  /** Counts work in flight: call the returned function exactly once when it is done. */
  begin(): () => void {
    this.inFlight += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.inFlight -= 1;
      if (this.inFlight === 0) this.wake?.();
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

  /** Stops; false when requests were still running after `graceMs` and had to be cut off. */
  async stop(graceMs: number): Promise<boolean> {
    this.stopping = true;
    const deadline = Date.now() + graceMs;
    let closed = false;
    // net.Server's close: stop accepting without closing idle keep-alive connections at once.
    const whenClosed = new Promise<void>((resolve) => net.Server.prototype.close.call(this.server, () => resolve())).then(() => {
      closed = true;
      this.wake?.();
    });
    await new Promise((resolve) => setTimeout(resolve, Math.min(READ_PENDING_MS, graceMs)));
    for (;;) {
      if (this.inFlight === 0) this.server.closeIdleConnections();
      if (closed && this.inFlight === 0) return true;
      const left = deadline - Date.now();
      if (left <= 0) break;
      await this.pause(Math.min(100, left));
    }
    const cutOff = this.inFlight > 0;
    this.server.closeAllConnections();
    await whenClosed;
    return !cutOff;
  }

  /** Waits `ms`, or less when the last request ends or the server closes. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
