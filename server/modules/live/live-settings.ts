/** Bounds of the live WebSocket endpoint (README, "Live updates"): every one refuses with a close code and reason. */
export interface LiveSocketSettings {
  /** Open connections per credential (one merchant key or staff token) in one server process (4429). */
  maxConnectionsPerCredential: number;
  /** Open connections per client address in one server process, signed in or not (4429). */
  maxConnectionsPerAddress: number;
  /** Live operations one connection may hold at once (one more is refused with BAD_REQUEST; the connection stays). */
  maxSubscriptionsPerConnection: number;
  /** Seconds a new connection has to send `connection_init` (4408). */
  connectionInitTimeoutSeconds: number;
  /** Bytes of one message from the client (1009). */
  maxMessageBytes: number;
  /** Subscribe messages per credential a minute, in one server process (4429). */
  subscribesPerMinute: number;
  /**
   * At most this many seconds may pass between two checks of a connection's credential before an event
   * is delivered on it; a revocation committed by any process closes its connections at once (4403).
   */
  credentialRecheckSeconds: number;
  /** Proxies in front whose X-Forwarded-For gives the client address (TRUST_PROXY_HOPS, as for HTTP). */
  trustProxyHops: number;
}

export const DEFAULT_LIVE_SOCKET_SETTINGS: LiveSocketSettings = {
  maxConnectionsPerCredential: 10,
  maxConnectionsPerAddress: 50,
  maxSubscriptionsPerConnection: 20,
  connectionInitTimeoutSeconds: 10,
  maxMessageBytes: 64 * 1024,
  subscribesPerMinute: 120,
  credentialRecheckSeconds: 30,
  trustProxyHops: 0,
};
