import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { CursorPage, newestFirstPage } from '../http/cursor';
import { isUniqueViolation } from '../database/postgres-errors';
import type { SendEmailRequest } from './email-request.schema';
import { EmailOutbox } from './email-outbox';
import { EmailTemplates, RenderedEmail, TemplateError } from './email-templates';
import { Email, EmailStatus } from './email.entity';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

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
    const content = this.compose(input);
    const email = this.emails.create({
      id: randomUUID(),
      projectId,
      // As validated: one "Name <address>" per recipient, written the way the header is.
      to: input.to,
      template: input.template ?? null,
      variables: input.variables ?? null,
      ...content,
      status: EmailStatus.queued,
      idempotencyKey: idempotencyKey ?? null,
    });
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
