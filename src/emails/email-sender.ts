import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { UnrecoverableError } from 'bullmq';
import { Repository } from 'typeorm';
import { MailService } from '../mail/mail.service';
import type { EmailJobResult } from './email-job';
import { Email, EmailStatus } from './email.entity';
import { classifyMailError } from './mail-error';

/**
 * Delivers one stored email, recording state around the send so that a retry after a
 * crash or a stalled job never resends an email already `sent`. Its Message-ID is
 * derived from its id, so a receiver can also drop the copy that a crash between
 * "accepted by SMTP" and "recorded as sent" might still cause.
 */
@Injectable()
export class EmailSender {
  private readonly logger = new Logger(EmailSender.name);

  constructor(
    @InjectRepository(Email) private readonly emails: Repository<Email>,
    private readonly mail: MailService,
  ) {}

  async deliver(emailId: string, lastAttempt: boolean): Promise<EmailJobResult> {
    // Claim it in one statement: only a queued (or interrupted) email moves to sending.
    const [claimed] = (await this.emails.query(
      `UPDATE emails SET status = 'sending', attempts = attempts + 1, updated_at = now()
       WHERE id = $1 AND status IN ('queued', 'sending')
       RETURNING id, "to", subject, text, html`,
      [emailId],
    )) as [Array<Pick<Email, 'id' | 'to' | 'subject' | 'text' | 'html'>>, number];
    const email = claimed[0];
    if (!email) {
      const existing = await this.emails.findOneBy({ id: emailId });
      if (!existing) throw new UnrecoverableError(`email ${emailId} does not exist`);
      this.logger.log({ emailId, status: existing.status }, 'Email already finished; not sending again');
      return { status: 'skipped', messageId: existing.messageId ?? undefined };
    }

    const messageId = `<${email.id}@stevedore>`;
    try {
      await this.mail.send({ to: email.to, subject: email.subject, text: email.text ?? undefined, html: email.html ?? undefined, messageId });
    } catch (error) {
      const { permanent, reason } = classifyMailError(error);
      const final = permanent || lastAttempt;
      await this.emails.update({ id: emailId }, { status: final ? EmailStatus.failed : EmailStatus.queued, lastError: reason });
      this.logger.warn({ emailId, permanent, final, reason }, final ? 'Email failed' : 'Email send failed; will retry');
      if (permanent) throw new UnrecoverableError(reason);
      throw error;
    }
    await this.emails.update({ id: emailId }, { status: EmailStatus.sent, messageId, sentAt: new Date(), lastError: null });
    this.logger.log({ emailId, to: email.to.length }, 'Email sent');
    return { status: 'sent', messageId };
  }
}
