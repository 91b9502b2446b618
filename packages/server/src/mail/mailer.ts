import type { Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import type { MailConfig } from '../config/mail.ts';

/** One mail: a plain-text part and an HTML part saying the same. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** The transport options of an `smtp://` or `smtps://` URL (checked in config/mail.ts), with the timeouts. */
export function smtpOptions(smtpUrl: string, timeoutMs: number) {
  const url = new URL(smtpUrl);
  const secure = url.protocol === 'smtps:';
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    ...(url.username
      ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
      : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  };
}

/** Waits between the attempts of one mail: the first try, then these. */
const RETRY_DELAYS_MS = [2_000];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * Sends Gatehouse's mails through nodemailer: to the SMTP server of `SMTP_URL`, or, without
 * one, into the log (nodemailer's JSON transport composes the mail, and its text part is
 * logged at info, so `npm start` works with no mail server and its links can be followed).
 *
 * `send` returns at once: the answer to a request never waits on SMTP (nor tells, by its
 * timing, whether a mail went out). Every wait on the server is bounded by `SMTP_TIMEOUT_MS`;
 * a failed delivery is tried once more after 2 s, then logged at error, never thrown.
 * nodemailer itself is loaded with the first mail: most processes never send one.
 */
export class Mailer {
  private transport: Promise<Transporter> | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  /** True when mails are only logged (no SMTP_URL). */
  readonly logOnly: boolean;

  constructor(
    private readonly config: MailConfig,
    private readonly log?: Logger,
    /** The name the mails give the product (the theme's `product_name`). */
    readonly product = 'Gatehouse',
  ) {
    this.logOnly = config.smtpUrl === undefined;
  }

  /** The transport, made (and nodemailer loaded) the first time a mail is sent. */
  private connection(): Promise<Transporter> {
    this.transport ??= import('nodemailer').then(({ default: nodemailer }) => {
      const url = this.config.smtpUrl;
      return url === undefined
        ? nodemailer.createTransport({ jsonTransport: true })
        : nodemailer.createTransport(smtpOptions(url, this.config.timeoutMs));
    });
    return this.transport;
  }

  /** Queues the mail and returns at once; see the class comment. */
  send(message: MailMessage, purpose: string): void {
    const delivery = this.deliver(message, purpose).finally(() => this.inFlight.delete(delivery));
    this.inFlight.add(delivery);
  }

  /** Resolves once every mail queued so far was sent or given up (tests; the CLI before it exits). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Waits for the mails under way, then closes the SMTP connections. */
  async close(): Promise<void> {
    await this.idle();
    if (this.transport !== undefined) (await this.transport).close();
  }

  private async deliver(message: MailMessage, purpose: string): Promise<void> {
    const mail = { from: this.config.from, ...message };
    for (let attempt = 0; ; attempt++) {
      try {
        const info = await (await this.connection()).sendMail(mail);
        if (this.logOnly)
          this.log?.info(
            { event: 'mail_logged', purpose, to: message.to, subject: message.subject, text: message.text },
            `mail not sent (SMTP_URL is not set); it would say:\n${message.text}`,
          );
        else this.log?.info({ event: 'mail_sent', purpose, messageId: info.messageId }, 'mail sent');
        return;
      } catch (err) {
        const wait = RETRY_DELAYS_MS[attempt];
        if (wait === undefined) {
          this.log?.error({ event: 'mail_failed', purpose, err }, 'sending a mail failed; it is dropped');
          return;
        }
        this.log?.warn({ event: 'mail_retry', purpose, err }, 'sending a mail failed; trying again');
        await sleep(wait);
      }
    }
  }
}
