import net from 'node:net';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/app/logger';
import { fromGlobalId } from '../../server/common/global-id';
import { DomainEventType } from '../../server/modules/events/domain-event';
import { DomainEvents } from '../../server/modules/events/domain-events';
import { startEventRuntime, type EventRuntime } from '../../server/modules/events/events.runtime';
import { TicketCategory } from '../sdk/generated';
import { type MailReceived, startSmtpServer } from '../support/smtp-server';
import { createMerchant, createStaff, createTestApp, type Merchant, type TestApp } from '../support/test-app';

let app: TestApp;
let events: EventRuntime;
let merchant: Merchant;
let port: number;
let smtp: Awaited<ReturnType<typeof startSmtpServer>> | null = null;
let received: MailReceived[] = [];

/** A real SMTP server on 127.0.0.1, started on the port the desk was told of. */
async function startSmtp(): Promise<void> {
  smtp = await startSmtpServer(port);
  received = smtp.received;
}

beforeAll(async () => {
  app = await createTestApp();
  const probe = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => probe.once('listening', resolve));
  port = (probe.address() as net.AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  events = await startEventRuntime({
    orm: app.orm,
    logger: createLogger('silent'),
    clock: () => app.now(),
    relayEnabled: true,
    mail: { smtpUrl: `smtp://127.0.0.1:${port}`, from: 'Support Desk <desk@support.test>', ticketUrlTemplate: 'https://desk.example.com/tickets/{number}' },
  });
  merchant = await createMerchant(app);
});
afterAll(async () => {
  await events?.stop();
  await smtp?.close();
  await app?.close();
});

async function emailRows() {
  return app.orm.em
    .fork()
    .execute<Array<{ status: string; attempts: number; message_id: string; last_error: string | null; to_address: string }>>(
      "select status, attempts, message_id, last_error, to_address from outbound_email where recipient like 'customer:%' order by created_at",
    );
}

describe('notification email over SMTP', () => {
  it('a server that is down: the email waits and is retried with back-off; once it is back, it is sent once, text and HTML, with the ticket number and a link', async () => {
    const staff = await createStaff(app, 'AGENT', 'DEVELOPMENT');
    const created = await merchant.sdk.TicketCreate({
      input: { subject: 'Checkout is blank', description: 'Guests paying with PayPal see a blank page.', category: TicketCategory.BugFix },
    });
    const ticket = created.ticketCreate.ticket!;
    await app.orm.em.fork().transactional((em) =>
      new DomainEvents(() => app.now()).publish(em, {
        type: DomainEventType.STAFF_REPLIED,
        ticketId: fromGlobalId(ticket.id)!.id,
        customerId: fromGlobalId(merchant.customerId)!.id,
        team: 'DEVELOPMENT',
        actor: { kind: 'STAFF', id: fromGlobalId(staff.id)!.id },
        staffOnly: false,
        data: { number: ticket.number, messageId: 'm1' },
      }),
    );
    await events.relay.drain();
    // Nothing listens on the port yet: a pass stops at the first refused email, so one pass per queued email.
    for (let i = 0; i < 3; i++) await events.mailer!.sendDue();
    let [email] = await emailRows();
    expect(email).toMatchObject({ status: 'PENDING', attempts: 1 });
    expect(email!.last_error).toMatch(/ECONNECTION|ECONNREFUSED/);
    expect(email!.last_error).not.toContain('smtp://');

    await startSmtp();
    // Not due yet: the back-off (30 s after the first failure) is by the desk's clock.
    expect(await events.mailer!.sendDue()).toBe(0);
    expect(received).toHaveLength(0);
    app.setNow(app.now().plus({ seconds: 31 }));
    await events.mailer!.sendDue();
    expect(await events.mailer!.sendDue()).toBe(0);
    [email] = await emailRows();
    expect(email).toMatchObject({ status: 'SENT', attempts: 2, last_error: null });

    // Every queued email (the staff's about the new ticket too) arrived once.
    const [all] = await app.orm.em
      .fork()
      .execute<Array<{ n: string; sent: string }>>("select count(*) n, count(*) filter (where status = 'SENT') sent from outbound_email");
    expect(Number(all!.sent)).toBe(Number(all!.n));
    expect(received).toHaveLength(Number(all!.n));
    const mine = received.filter((r) => r.to === email!.to_address);
    expect(mine).toHaveLength(1);
    const parsed = await simpleParser(mine[0]!.raw);
    expect(parsed.messageId).toBe(email!.message_id);
    expect(parsed.subject).toBe(`[OpenCart Support Desk] ${ticket.number}: support replied`);
    expect(parsed.from!.text).toContain('desk@support.test');
    expect(parsed.text).toContain(`https://desk.example.com/tickets/${ticket.number}`);
    expect(parsed.html).toContain(`href="https://desk.example.com/tickets/${ticket.number}"`);
    for (const secret of [merchant.token, app.adminToken]) expect(received.map((r) => r.raw).join('\n')).not.toContain(secret);
  });
});
