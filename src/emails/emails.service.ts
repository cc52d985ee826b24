import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { CursorPage, newestFirstPage } from '../http/cursor';
import { isUniqueViolation } from '../database/postgres-errors';
import {
  type BatchEmail,
  IDEMPOTENCY_KEY,
  type SendEmailBatchRequest,
  type SendEmailRequest,
} from './email-request.schema';
import { EmailOutbox } from './email-outbox';
import { EmailTemplates, RenderedEmail, TemplateError } from './email-templates';
import { Email, EmailStatus } from './email.entity';

/** What a batch answers for each of its emails, in its order. */
export interface BatchItemOutcome {
  email: Email;
  /** False when its idempotency key gave back an email of an earlier request. */
  created: boolean;
}

/** Accepts emails (REST, GraphQL): validates, renders, stores, queues. */
@Injectable()
export class EmailsService {
  constructor(
    @InjectRepository(Email) private readonly emails: Repository<Email>,
    private readonly templates: EmailTemplates,
    private readonly outbox: EmailOutbox,
  ) {}

  /**
   * Stores and queues an email in the caller's project. With an idempotency key, a repeat
   * returns the email that key first created in this project (whatever the new body says)
   * instead of sending a second one; keys are the project's own, so another project's use
   * of the same key neither answers nor blocks this one.
   */
  async send(
    input: SendEmailRequest,
    projectId: string,
    idempotencyKey?: string,
  ): Promise<{ email: Email; created: boolean }> {
    if (idempotencyKey !== undefined) {
      if (!IDEMPOTENCY_KEY.test(idempotencyKey))
        throw new BadRequestException(['Idempotency-Key must be 1 to 255 visible ASCII characters']);
      const existing = await this.emails.findOneBy({ idempotencyKey, projectId });
      if (existing) return { email: existing, created: false };
    }
    const email = this.row(input, this.compose(input), projectId, idempotencyKey);
    try {
      await this.emails.insert(email);
    } catch (error) {
      // Two requests with one key at once: the second finds the first's email.
      if (idempotencyKey && isUniqueViolation(error, 'emails_idempotency_key_uq')) {
        return { email: await this.emails.findOneByOrFail({ idempotencyKey, projectId }), created: false };
      }
      throw error;
    }
    await this.outbox.enqueueOrWithdraw(email.id, projectId);
    return { email, created: true };
  }

  /**
   * Stores and queues a batch in the caller's project, all or nothing: every email is
   * rendered before any is stored (a template's error is a 400 naming its index), the new
   * ones are inserted in one statement and queued in one round trip, and if the queue
   * refuses them they are all removed again (503). An idempotency key already used in the
   * project gives back that email, as POST /api/emails does.
   */
  async sendBatch({ emails: items }: SendEmailBatchRequest, projectId: string): Promise<BatchItemOutcome[]> {
    const problems: string[] = [];
    const contents = items.map((item, index) => {
      try {
        return this.compose(item);
      } catch (error) {
        if (!(error instanceof BadRequestException)) throw error;
        problems.push(...(error.getResponse() as { message: string[] }).message.map((m) => `emails[${index}] ${m}`));
        return undefined;
      }
    });
    if (problems.length) throw new BadRequestException(problems);

    const existing = await this.existingByKey(items, projectId);
    const outcomes: BatchItemOutcome[] = items.map((item, index) => {
      const earlier = item.idempotencyKey !== undefined ? existing.get(item.idempotencyKey) : undefined;
      if (earlier) return { email: earlier, created: false };
      return { email: this.row(item, contents[index]!, projectId, item.idempotencyKey), created: true };
    });
    const fresh = outcomes.filter((outcome) => outcome.created).map((outcome) => outcome.email);
    const inserted = new Set(await this.insertNew(fresh));
    const lost = outcomes.filter((outcome) => outcome.created && !inserted.has(outcome.email.id));
    if (lost.length) {
      // Another request took one of these keys since the look above: its email is the answer.
      const taken = await this.existingByKey(
        lost.map((outcome) => outcome.email),
        projectId,
      );
      for (const outcome of lost) {
        const earlier = taken.get(outcome.email.idempotencyKey!);
        if (!earlier) {
          if (inserted.size) await this.emails.delete([...inserted]);
          throw new ConflictException(`emails[${outcomes.indexOf(outcome)}]'s idempotency key is in use; try again`);
        }
        Object.assign(outcome, { email: earlier, created: false });
      }
    }
    await this.outbox.enqueueAllOrWithdraw([...inserted], projectId);
    return outcomes;
  }

  /** Inserts the rows in one statement; the ids of those stored (a row whose key was taken meanwhile is not). */
  private async insertNew(rows: Email[]): Promise<string[]> {
    if (!rows.length) return [];
    const result = await this.emails
      .createQueryBuilder()
      .insert()
      .into(Email)
      .values(rows)
      .orIgnore()
      .returning(['id'])
      .execute();
    return (result.raw as Array<{ id: string }>).map((row) => row.id);
  }

  /** The project's emails already stored under these items' idempotency keys, by key. */
  private async existingByKey(items: Array<{ idempotencyKey?: string | null }>, projectId: string) {
    const keys = items.flatMap((item) => (item.idempotencyKey ? [item.idempotencyKey] : []));
    const found = keys.length
      ? await this.emails
          .createQueryBuilder('e')
          .where('e.project_id = :projectId AND e.idempotency_key = ANY(:keys)', { projectId, keys })
          .getMany()
      : [];
    return new Map(found.map((email) => [email.idempotencyKey!, email]));
  }

  /** A new email's row, as it is stored `queued`. */
  private row(input: SendEmailRequest | BatchEmail, content: RenderedEmail, projectId: string, key?: string): Email {
    return this.emails.create({
      id: randomUUID(),
      projectId,
      // As validated: one "Name <address>" per recipient, written the way the header is.
      to: input.to,
      template: input.template ?? null,
      variables: input.variables ?? null,
      ...content,
      status: EmailStatus.queued,
      idempotencyKey: key ?? null,
    });
  }

  /**
   * An email of `projectId`; another project's is not found, exactly as an unknown id.
   * `projectId` undefined reads any project's, only for the live hub's re-reads of a job a
   * subscriber was already let follow.
   */
  async get(id: string, projectId: string | undefined): Promise<Email> {
    const email = await this.emails.findOneBy(projectId === undefined ? { id } : { id, projectId });
    if (!email) throw new NotFoundException(`Email ${id} not found`);
    return email;
  }

  /** The project's emails, newest first; the cursor is the last item's createdAt|id. */
  list(projectId: string, query: { limit?: number; cursor?: string }): Promise<CursorPage<Email>> {
    const qb = this.emails.createQueryBuilder('e').where('e.project_id = :projectId', { projectId });
    return newestFirstPage(qb, 'created_at', (email) => email.createdAt, query);
  }

  /** Raw content, or the template rendered (the schema made sure it is one or the other). */
  private compose(input: SendEmailRequest): RenderedEmail {
    if (input.subject !== undefined)
      return { subject: input.subject, text: input.text ?? null, html: input.html ?? null };
    try {
      return this.templates.render(input.template!, input.variables ?? {});
    } catch (error) {
      if (error instanceof TemplateError) throw new BadRequestException([error.message]);
      throw error;
    }
  }
}
