import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type * as Nodemailer from 'nodemailer';
import type { SendMailOptions, Transporter } from 'nodemailer';
import type { Env } from '../config/env.schema';
import { isImplicitTls, requiresStartTls, smtpOptions } from './smtp-options';
import { tlsRefusal } from './tls-refusal';

/**
 * nodemailer, loaded when the first transport is made: the API makes one only when an email
 * alert channel is tested; the worker at its first email.
 */
function nodemailer(): typeof Nodemailer {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('nodemailer') as typeof Nodemailer;
}

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
  private transporter?: Transporter;
  private readonly server: string;
  private readonly startTlsRequired: boolean;
  private readonly options: ReturnType<typeof smtpOptions>;

  constructor(env: Env) {
    this.server = `${env.MAIL_HOST}:${env.MAIL_PORT}`;
    const tls = isImplicitTls(env) ? 'TLS' : requiresStartTls(env) ? 'STARTTLS required' : 'STARTTLS if offered';
    this.description = `SMTP ${this.server} (${tls}${env.MAIL_USER ? ', with credentials' : ''})`;
    this.startTlsRequired = requiresStartTls(env);
    this.options = smtpOptions(env);
  }

  async send(message: SendMailOptions): Promise<SentMail> {
    try {
      this.transporter ??= nodemailer().createTransport(this.options);
      const info = await this.transporter.sendMail(message);
      return { messageId: info.messageId ?? '', response: info.response ?? '' };
    } catch (error) {
      throw (this.startTlsRequired && tlsRefusal(error, this.server)) || error;
    }
  }

  close(): void {
    this.transporter?.close();
  }
}

/**
 * No MAIL_HOST: each message becomes an .eml file a developer can open. Lines end in CRLF
 * as RFC 5322 requires (and as the same message goes over SMTP), body text included.
 */
export class EmlFileMailTransport implements MailTransport {
  readonly description: string;
  private transporter?: Transporter;
  private readonly dir: string;

  constructor(env: Env) {
    this.dir = resolve(env.ARTIFACTS_DIR, 'mail');
    this.description = `.eml files in ${this.dir}`;
  }

  async send(message: SendMailOptions): Promise<SentMail> {
    this.transporter ??= nodemailer().createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
    const info = await this.transporter.sendMail(message);
    await mkdir(this.dir, { recursive: true });
    const file = join(this.dir, `${Date.now()}-${(info.messageId ?? 'message').replace(/[^A-Za-z0-9.@-]/g, '')}.eml`);
    await writeFile(file, info.message as Buffer);
    return { messageId: info.messageId ?? '', response: file };
  }

  close(): void {
    this.transporter?.close();
  }
}

export function createMailTransport(env: Env): MailTransport {
  return env.MAIL_HOST ? new SmtpMailTransport(env) : new EmlFileMailTransport(env);
}
