import { InjectQueue } from '@nestjs/bullmq';
import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { v5 as uuidv5 } from 'uuid';
import { isUniqueViolation } from '../database/postgres-errors';
import { enqueueOrWithdraw } from '../queues/enqueue-or-withdraw';
import { QUEUES } from '../queues/queue-names';
import type { User } from '../users/user.entity';
import type { SendEmailRequest } from './email-request.schema';
import { EmailTemplates, RenderedEmail, TemplateError } from './email-templates';
import { Email, EmailStatus } from './email.entity';
import type { EmailJobData } from './email-job';

/** Namespace for ids derived from other ids (a user's welcome email). */
const WELCOME_NAMESPACE = '4f5c2a7e-3b0d-4a59-9c36-0d1f6f0b8e21';
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** Accepts emails (REST, GraphQL, users): validates, renders, stores, queues. */
@Injectable()
export class EmailsService {
  constructor(
    @InjectRepository(Email) private readonly emails: Repository<Email>,
    @InjectQueue(QUEUES.emails) private readonly queue: Queue<EmailJobData>,
    private readonly templates: EmailTemplates,
  ) {}

  /**
   * Stores and queues an email. With an idempotency key, a repeat returns the email that
   * key first created (whatever the new body says) instead of sending a second one.
   */
  async send(input: SendEmailRequest, idempotencyKey?: string): Promise<{ email: Email; created: boolean }> {
    if (idempotencyKey !== undefined) {
      if (!IDEMPOTENCY_KEY.test(idempotencyKey))
        throw new BadRequestException(['Idempotency-Key must be 1 to 255 visible ASCII characters']);
      const existing = await this.emails.findOneBy({ idempotencyKey });
      if (existing) return { email: existing, created: false };
    }
    const content = this.compose(input);
    const email = this.emails.create({
      id: randomUUID(),
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
        return { email: await this.emails.findOneByOrFail({ idempotencyKey }), created: false };
      }
      throw error;
    }
    await this.enqueueOrWithdraw(email, () => this.emails.delete({ id: email.id }));
    return { email, created: true };
  }

  /** The welcome email of a new user: its id (and job id) derives from the user's, so there is only ever one. */
  welcomeFor(user: User): Email {
    const variables = { name: user.name, email: user.email };
    return this.emails.create({
      id: uuidv5(`welcome:${user.id}`, WELCOME_NAMESPACE),
      to: [user.email],
      template: 'welcome',
      variables,
      ...this.templates.render('welcome', variables),
      status: EmailStatus.queued,
      userId: user.id,
    });
  }

  /** Queues a stored email; see enqueueOrWithdraw. */
  enqueueOrWithdraw(email: Email, withdraw: () => Promise<unknown>): Promise<void> {
    return enqueueOrWithdraw(this.queue, 'send', { emailId: email.id }, { jobId: email.id }, withdraw);
  }

  async get(id: string): Promise<Email> {
    const email = await this.emails.findOneBy({ id });
    if (!email) throw new NotFoundException(`Email ${id} not found`);
    return email;
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
