import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../../config';
import { AppError } from '../errors';

/** A message to one person outside the platform: an e-mail address or a mobile number. */
export interface OutboundMessage {
  channel: 'email' | 'sms';
  to: string;
  subject: string;
  text: string;
}

/**
 * The one way a message leaves the platform (verification codes, password resets). Which sender is
 * used is configuration, never a module's choice: SMTP when SMTP_URL is set, else the outbox file.
 */
export interface Sender {
  send(message: OutboundMessage): Promise<void>;
}

/** Sends e-mail through an SMTP server with nodemailer. No SMS gateway is configured with it. */
class SmtpSender implements Sender {
  readonly #transport: Transporter;
  constructor(
    url: string,
    readonly from: string,
  ) {
    this.#transport = nodemailer.createTransport(url);
  }

  async send(m: OutboundMessage): Promise<void> {
    if (m.channel !== 'email') {
      throw new AppError(
        503,
        'SMS_NOT_CONFIGURED',
        'Text messages cannot be sent here; sign up with an e-mail address',
        '本平台暂未开通短信发送，请使用电子邮箱注册',
      );
    }
    try {
      await this.#transport.sendMail({ from: this.from, to: m.to, subject: m.subject, text: m.text });
    } catch {
      throw new AppError(
        503,
        'MAIL_UNAVAILABLE',
        'The e-mail could not be sent; try again later',
        '邮件发送失败，请稍后重试',
      );
    }
  }
}

/**
 * Writes each message as a JSON line to a file: the demo's "mailbox", where whoever runs it reads
 * the codes. One append per message, so concurrent writers do not interleave lines.
 */
class OutboxSender implements Sender {
  constructor(readonly file: string) {}

  async send(m: OutboundMessage): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    await fs.appendFile(this.file, `${JSON.stringify({ ...m, at: new Date().toISOString() })}\n`, { mode: 0o600 });
  }
}

const senders = new WeakMap<object, Sender>();

/** The sender for this configuration (one transport per configuration, pooled connections reused). */
export function senderFor(config: Config): Sender {
  let s = senders.get(config);
  if (!s) {
    s = config.smtpUrl ? new SmtpSender(config.smtpUrl, config.mailFrom) : new OutboxSender(config.outboxFile);
    senders.set(config, s);
  }
  return s;
}
