import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { SendMailOptions } from 'nodemailer';
import { AppConfig } from '../config/app-config.service';
import { createMailTransport, MailTransport, SentMail } from './mail-transport';
import { allowsCleartextPassword } from './smtp-options';

/** Sends mail over SMTP, or writes .eml files when no MAIL_HOST is set. */
@Injectable()
export class MailService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MailService.name);
  private transport?: MailTransport;

  constructor(private readonly config: AppConfig) {}

  /** Opened on first use so the API, which never sends, holds no SMTP pool. */
  private get mailer(): MailTransport {
    if (!this.transport) {
      this.transport = createMailTransport(this.config.env);
      this.logger.log(`Mail goes to ${this.transport.description}`);
    }
    return this.transport;
  }

  /** The worker says where mail goes in one line at start, and warns once if a password may travel unencrypted. */
  onApplicationBootstrap(): void {
    if (!this.config.isWorker) return;
    void this.mailer;
    if (allowsCleartextPassword(this.config.env)) {
      this.logger.warn(
        'MAIL_ALLOW_INSECURE_AUTH=true: TLS is not required, so the SMTP password is sent unencrypted to a server that does not offer STARTTLS',
      );
    }
  }

  send(message: SendMailOptions): Promise<SentMail> {
    return this.mailer.send({ from: this.config.env.MAIL_FROM, ...message });
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}
