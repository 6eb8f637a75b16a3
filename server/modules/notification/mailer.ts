import { LockMode } from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/postgresql';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Clock } from '../../common/clock';
import type { Logger } from '../../common/logger';
import { OutboundEmail, OutboundEmailStatus } from './notification.entity';

export interface MailerOptions {
  orm: MikroORM;
  logger: Logger;
  clock: Clock;
  /** SMTP_URL, e.g. smtps://user:password@mail.example.com:465 (never logged). */
  smtpUrl: string;
  /** MAIL_FROM, e.g. "OpenCart Support Desk <support@example.com>". */
  from: string;
  /** Emails per pass (each pass holds their rows locked while it sends). */
  batchSize?: number;
  /** Pause after a first failed attempt; doubles per attempt up to `maxRetryDelayMs`. */
  retryBaseMs?: number;
  maxRetryDelayMs?: number;
  /** Passes without a wake-up (retries fall due by the clock). */
  pollIntervalMs?: number;
}

/**
 * Sends the queued emails over SMTP. Each email keeps its Message-ID across attempts; a failed
 * attempt is retried with growing pauses (30 s, 1 min, 2 min … up to 1 h) and is never dropped;
 * several processes share the queue (rows are locked while sent, `skip locked`).
 */
export class Mailer {
  private readonly transport: Transporter;
  private readonly batchSize: number;
  private readonly retryBaseMs: number;
  private readonly maxRetryDelayMs: number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private again = false;
  private stopped = false;

  constructor(private readonly options: MailerOptions) {
    this.transport = nodemailer.createTransport({ url: options.smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 } as never);
    this.batchSize = options.batchSize ?? 20;
    this.retryBaseMs = options.retryBaseMs ?? 30_000;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 3_600_000;
  }

  start(): void {
    this.timer = setInterval(() => this.wake(), this.options.pollIntervalMs ?? 15_000);
    this.timer.unref();
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => 0);
    this.transport.close();
  }

  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.sendDue()
      .catch((error) => {
        this.options.logger.warn({ err: error }, 'the mailer could not read its queue');
        return 0;
      })
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** One bounded pass over the emails that are due; returns how many were sent. */
  async sendDue(): Promise<number> {
    const now = this.options.clock().toJSDate();
    return this.options.orm.em.fork().transactional(async (em) => {
      const due = await em.find(
        OutboundEmail,
        { status: OutboundEmailStatus.PENDING, nextAttemptAt: { $lte: now } },
        { orderBy: [{ nextAttemptAt: 'asc' }, { id: 'asc' }], limit: this.batchSize, lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE /* skip locked */ },
      );
      let sent = 0;
      for (const email of due) {
        email.attempts += 1;
        try {
          await this.transport.sendMail({
            from: this.options.from,
            to: email.toAddress,
            subject: email.subject,
            text: email.text,
            html: email.html,
            messageId: email.messageId,
          });
          email.status = OutboundEmailStatus.SENT;
          email.sentAt = now;
          email.lastError = null;
          sent += 1;
        } catch (error) {
          const delay = Math.min(this.maxRetryDelayMs, this.retryBaseMs * 2 ** (email.attempts - 1));
          email.nextAttemptAt = new Date(now.getTime() + delay);
          email.lastError = describeFailure(error);
          this.options.logger.warn(
            { emailId: email.id, attempts: email.attempts, retryInMs: delay, reason: email.lastError },
            'an email could not be sent; it will be retried',
          );
          // The server is unreachable: the rest of the batch waits for the next pass.
          if (isConnectionFailure(error)) break;
        }
      }
      return sent;
    });
  }
}

/** The SMTP reply or network error code: never the URL (it may hold the password). */
function describeFailure(error: unknown): string {
  const e = error as { code?: string; responseCode?: number; response?: string; message?: string };
  // nodemailer's messages name the host and port, never the URL's credentials.
  const parts = [e.code, e.responseCode, e.response ?? e.message].filter((part) => part !== undefined && part !== '');
  return (parts.length ? parts.join(' ') : 'unknown error').slice(0, 500);
}

function isConnectionFailure(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'ECONNECTION' || code === 'ETIMEDOUT' || code === 'ESOCKET' || code === 'EDNS';
}
