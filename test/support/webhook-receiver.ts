import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook, WEBHOOK_HEADERS } from '../../server/modules/webhook/webhook-signature';

/** A real HTTP receiver on 127.0.0.1 that checks every signature, answering what the test says. */
export class WebhookReceiver {
  readonly received: Array<{ headers: http.IncomingHttpHeaders; body: string; signatureValid: boolean }> = [];
  answer = 200;
  secret = '';
  private server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const signatureValid = verifyWebhook(
        this.secret,
        {
          timestamp: req.headers[WEBHOOK_HEADERS.timestamp.toLowerCase()] as string,
          signature: req.headers[WEBHOOK_HEADERS.signature.toLowerCase()] as string,
        },
        body,
        this.nowSeconds(),
      );
      this.received.push({ headers: req.headers, body, signatureValid });
      res.statusCode = signatureValid ? this.answer : 401;
      res.end('ok');
    });
  });
  constructor(private readonly nowSeconds: () => number) {}
  /** The deliveries as events: the event-type header, whether the signature held, the parsed body. */
  events<Body>(): Array<{ type: string; signatureValid: boolean; body: Body }> {
    return this.received.map((r) => ({
      type: String(r.headers[WEBHOOK_HEADERS.event.toLowerCase()]),
      signatureValid: r.signatureValid,
      body: JSON.parse(r.body) as Body,
    }));
  }
  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/desk`;
  }
  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
