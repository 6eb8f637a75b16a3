import { SMTPServer } from 'smtp-server';

/** What a real SMTP server on 127.0.0.1 was given: the envelope's recipients and the raw message. */
export interface MailReceived {
  to: string;
  raw: string;
}

/** A real SMTP server (no TLS, no sign-in) that keeps every message it accepts in `received`. */
export async function startSmtpServer(port = 0): Promise<{ port: number; received: MailReceived[]; close: () => Promise<void> }> {
  const received: MailReceived[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
