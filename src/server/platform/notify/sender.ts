import fs from 'node:fs/promises';
import path from 'node:path';
import type { Transporter } from 'nodemailer';
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
 * used is configuration, never a module's choice: e-mail through SMTP_URL, text messages through
 * SMS_URL; with neither set (the demo) every message goes to the outbox file.
 */
export interface Sender {
  send(message: OutboundMessage): Promise<void>;
}

/** Sends e-mail through an SMTP server with nodemailer, loaded with the first e-mail rather than by every server (bench/memory). */
class SmtpSender implements Sender {
  #transport: Promise<Transporter> | undefined;
  constructor(
    private readonly url: string,
    readonly from: string,
  ) {}

  async send(m: OutboundMessage): Promise<void> {
    this.#transport ??= import('nodemailer').then((nodemailer) => nodemailer.createTransport(this.url));
    const transport = await this.#transport;
    try {
      await transport.sendMail({ from: this.from, to: m.to, subject: m.subject, text: m.text });
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

const SMS_TIMEOUT_MS = 10_000;

/**
 * Sends text messages through the city's SMS gateway (政务短信平台). Gateways differ, so the platform
 * speaks one HTTP contract and an adapter in front of the city's gateway speaks it:
 *
 *   POST {SMS_URL}/send  {"to": "13800000000", "text": "…"}   Authorization: Bearer {SMS_TOKEN} when set
 *   → any 2xx: accepted for delivery
 *
 * Anything else (an error status, a timeout, no answer) means not sent: the request fails with 503,
 * and the code it carried is never accepted (the user asks for a new one).
 */
class HttpSmsSender implements Sender {
  constructor(
    readonly url: string,
    readonly token: string | undefined,
  ) {}

  async send(m: OutboundMessage): Promise<void> {
    let status: number | undefined;
    try {
      const res = await fetch(`${this.url.replace(/\/$/, '')}/send`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        },
        body: JSON.stringify({ to: m.to, text: m.text }),
        signal: AbortSignal.timeout(SMS_TIMEOUT_MS),
      });
      await res.body?.cancel();
      status = res.status;
    } catch {
      // Unreachable or timed out: reported below like a refusal.
    }
    if (status === undefined || status < 200 || status > 299) {
      throw new AppError(
        503,
        'SMS_UNAVAILABLE',
        'The text message could not be sent; try again later',
        '短信发送失败，请稍后重试',
      );
    }
  }
}

/** E-mail and text messages each to their own sender; a channel without one is refused with a way out. */
class ChannelSender implements Sender {
  constructor(readonly by: Partial<Record<OutboundMessage['channel'], Sender>>) {}

  async send(m: OutboundMessage): Promise<void> {
    const sender = this.by[m.channel];
    if (sender) return sender.send(m);
    throw m.channel === 'sms'
      ? new AppError(
          503,
          'SMS_NOT_CONFIGURED',
          'Text messages cannot be sent here; sign up with an e-mail address',
          '本平台暂未开通短信发送，请使用电子邮箱注册',
        )
      : new AppError(
          503,
          'MAIL_NOT_CONFIGURED',
          'E-mail cannot be sent here; sign up with a mobile number',
          '本平台暂未开通邮件发送，请使用手机号码注册',
        );
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
    s =
      config.smtpUrl || config.smsUrl
        ? new ChannelSender({
            email: config.smtpUrl ? new SmtpSender(config.smtpUrl, config.mailFrom) : undefined,
            sms: config.smsUrl ? new HttpSmsSender(config.smsUrl, config.smsToken) : undefined,
          })
        : new OutboxSender(config.outboxFile);
    senders.set(config, s);
  }
  return s;
}
