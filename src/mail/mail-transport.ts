import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import nodemailer, { SendMailOptions, Transporter } from 'nodemailer';
import type { Env } from '../config/env.schema';

export interface SentMail {
  messageId: string;
  /** Where the message went: the SMTP server's reply or the .eml file written. */
  response: string;
}

export interface MailTransport {
  readonly description: string;
  send(message: SendMailOptions): Promise<SentMail>;
  close(): void;
}

/** A pooled SMTP connection set, reused across jobs. */
export class SmtpMailTransport implements MailTransport {
  readonly description: string;
  private readonly transporter: Transporter;

  constructor(env: Env) {
    this.description = `SMTP ${env.MAIL_HOST}:${env.MAIL_PORT}`;
    this.transporter = nodemailer.createTransport({
      pool: true,
      host: env.MAIL_HOST,
      port: env.MAIL_PORT,
      secure: env.MAIL_PORT === 465,
      auth: env.MAIL_USER ? { user: env.MAIL_USER, pass: env.MAIL_PASSWORD } : undefined,
      // Each attempt is bounded: a server that stops answering fails it, and BullMQ retries.
      connectionTimeout: Math.min(10_000, env.MAIL_TIMEOUT_MS),
      greetingTimeout: Math.min(10_000, env.MAIL_TIMEOUT_MS),
      socketTimeout: env.MAIL_TIMEOUT_MS,
    });
  }

  async send(message: SendMailOptions): Promise<SentMail> {
    const info = await this.transporter.sendMail(message);
    return { messageId: info.messageId ?? '', response: info.response ?? '' };
  }

  close(): void {
    this.transporter.close();
  }
}

/** No MAIL_HOST: each message becomes an .eml file a developer can open. */
export class EmlFileMailTransport implements MailTransport {
  readonly description: string;
  private readonly transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  private readonly dir: string;

  constructor(env: Env) {
    this.dir = resolve(env.ARTIFACTS_DIR, 'mail');
    this.description = `.eml files in ${this.dir}`;
  }

  async send(message: SendMailOptions): Promise<SentMail> {
    const info = await this.transporter.sendMail(message);
    await mkdir(this.dir, { recursive: true });
    const file = join(this.dir, `${Date.now()}-${(info.messageId ?? 'message').replace(/[^A-Za-z0-9.@-]/g, '')}.eml`);
    await writeFile(file, info.message as Buffer);
    return { messageId: info.messageId ?? '', response: file };
  }

  close(): void {
    this.transporter.close();
  }
}

export function createMailTransport(env: Env): MailTransport {
  return env.MAIL_HOST ? new SmtpMailTransport(env) : new EmlFileMailTransport(env);
}
