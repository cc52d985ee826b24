import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { SendMailOptions } from 'nodemailer';
import { AppConfig } from '../config/app-config.service';
import { createMailTransport, MailTransport, SentMail } from './mail-transport';

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

  /** The worker says where mail goes in one line at start. */
  onApplicationBootstrap(): void {
    if (this.config.isWorker) void this.mailer;
  }

  send(message: SendMailOptions): Promise<SentMail> {
    return this.mailer.send({ from: this.config.env.MAIL_FROM, ...message });
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}
