import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { UnrecoverableError } from 'bullmq';
import { Repository } from 'typeorm';
import { InFlightBatcher } from '../../batching/in-flight-batcher';
import { MailService } from '../../mail/mail.service';
import { toMailbox } from '../../mail/recipients';
import { inSpan } from '../../tracing/spans';
import type { EmailJobResult } from '../email-job';
import { Email, EmailStatus } from '../email.entity';
import { classifyMailError } from './mail-error';

/**
 * Where a delivery can leave a note that outlives the database: the job (in Redis). Used
 * only when the SMTP server accepted a message and the database could not record it.
 */
export interface DeliveryNote {
  /** When an earlier attempt's message was accepted, if one was and its record failed. */
  acceptedAt?: string;
  remember(acceptedAt: string): Promise<void>;
}

type Claimed = Pick<Email, 'id' | 'to' | 'subject' | 'text' | 'html' | 'attempts'> & { previous: EmailStatus };

interface SentRecord {
  emailId: string;
  messageId: string;
  acceptedAt: string;
}

/**
 * Delivers one stored email. SMTP has no idempotency, so what can be promised is
 * at-least-once with a stable Message-ID (`<id@stevedore>`) and a duplicate window as small
 * as the protocol allows:
 * - before the transaction, the row is claimed `sending` with its attempt number;
 * - the server's 250 for DATA is recorded as `sent` at once, in one statement, before
 *   anything else; if that write fails the acceptance is noted on the job, so the retry
 *   records it instead of sending again;
 * - a claim that finds the row still `sending` knows the previous attempt was cut off (a
 *   killed worker): it sends again, and says so, since that attempt may have got its 250.
 * A duplicate therefore needs the worker to die (or both the database and Redis to fail)
 * between the server's 250 and the `sent` write: one database round trip.
 */
@Injectable()
export class EmailSender {
  private readonly logger = new Logger(EmailSender.name);
  /**
   * Claims and records are one statement each for all the emails that reach that point
   * while the previous one is in flight: the same writes, in fewer round trips and
   * commits (PostgreSQL's CPU per email halved under load; see BENCHMARKS.md, "Email").
   */
  private readonly claims = new InFlightBatcher<string, Claimed | undefined>((ids) => this.claimAll(ids));
  private readonly records = new InFlightBatcher<SentRecord, void>((sent) => this.recordAllSent(sent));

  constructor(
    @InjectRepository(Email) private readonly emails: Repository<Email>,
    private readonly mail: MailService,
  ) {}

  async deliver(emailId: string, lastAttempt: boolean, note: DeliveryNote): Promise<EmailJobResult> {
    const messageId = `<${emailId}@stevedore>`;
    if (note.acceptedAt) {
      // An earlier attempt was accepted by the server; only its record is missing.
      await this.recordSent(emailId, messageId, note.acceptedAt);
      this.logger.log({ emailId }, 'Email recorded as sent from its earlier accepted attempt; not sent again');
      return { status: 'sent', messageId };
    }

    const email = await inSpan('email claim', { 'stevedore.email.id': emailId }, () => this.claim(emailId));
    if (!email) {
      const existing = await this.emails.findOneBy({ id: emailId });
      if (!existing) throw new UnrecoverableError(`email ${emailId} does not exist`);
      this.logger.log({ emailId, status: existing.status }, 'Email already finished; not sending again');
      return { status: 'skipped', messageId: existing.messageId ?? undefined };
    }
    if (email.previous === EmailStatus.sending) {
      this.logger.warn(
        { emailId, attempt: email.attempts, messageId },
        'Email attempt was cut off mid-send (worker lost); sending again with the same Message-ID, a duplicate if that attempt had been accepted',
      );
    }

    try {
      await inSpan('email send', { 'stevedore.email.id': emailId, 'stevedore.email.recipients': email.to.length }, () =>
        this.mail.send({
          to: email.to.map(toMailbox),
          subject: email.subject,
          text: email.text ?? undefined,
          html: email.html ?? undefined,
          messageId,
        }),
      );
    } catch (error) {
      const { permanent, reason } = classifyMailError(error);
      const final = permanent || lastAttempt;
      await this.emails.update(
        { id: emailId },
        { status: final ? EmailStatus.failed : EmailStatus.queued, lastError: reason },
      );
      this.logger.warn({ emailId, permanent, final, reason }, final ? 'Email failed' : 'Email send failed; will retry');
      if (permanent) throw new UnrecoverableError(reason);
      throw error;
    }

    // Accepted: nothing may come between the 250 and this write.
    const acceptedAt = new Date().toISOString();
    try {
      await this.recordSent(emailId, messageId, acceptedAt);
    } catch (error) {
      await note.remember(acceptedAt);
      this.logger.warn(
        { emailId, err: error },
        'Email accepted by SMTP but not recorded; the retry records it without sending again',
      );
      throw error;
    }
    this.logger.log({ emailId, to: email.to.length }, 'Email sent');
    return { status: 'sent', messageId };
  }

  private claim(emailId: string): Promise<Claimed | undefined> {
    return this.claims.call(emailId);
  }

  /**
   * One statement: only a queued (or interrupted) email moves to sending, and says which
   * it was. Rows are locked in id order, so two workers' batches cannot deadlock.
   */
  private async claimAll(ids: string[]): Promise<Array<Claimed | undefined>> {
    const [rows] = (await this.emails.query(
      `UPDATE emails e SET status = 'sending', attempts = e.attempts + 1, updated_at = now()
       FROM (SELECT id, status FROM emails WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE) prior
       WHERE e.id = prior.id AND prior.status IN ('queued', 'sending')
       RETURNING e.id, e."to", e.subject, e.text, e.html, e.attempts, prior.status AS previous`,
      [ids],
    )) as [Claimed[], number];
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id));
  }

  private recordSent(emailId: string, messageId: string, acceptedAt: string): Promise<void> {
    return this.records.call({ emailId, messageId, acceptedAt });
  }

  private async recordAllSent(sent: SentRecord[]): Promise<void> {
    await this.emails.query(
      `UPDATE emails e SET status = 'sent', message_id = v.message_id, sent_at = v.sent_at, last_error = NULL, updated_at = now()
       FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) AS v(id, message_id, sent_at) WHERE e.id = v.id`,
      [sent.map((s) => s.emailId), sent.map((s) => s.messageId), sent.map((s) => s.acceptedAt)],
    );
  }
}
