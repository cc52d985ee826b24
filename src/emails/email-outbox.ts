import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { DataSource, EntityManager } from 'typeorm';
import { queueOrWithdraw } from '../queues/enqueue-or-withdraw';
import { FairQueues } from '../queues/fair/fair-queues';
import { EMAIL_JOB, type EmailJobData } from './email-job';
import { EmailTemplates } from './email-templates';
import { Email, EmailStatus } from './email.entity';

/** An email made from a template, about something another feature owns (a new user, a suite that ended). */
export interface TemplatedEmail {
  /** Derived by the caller from what it is about, so there is only ever one; also its job id. */
  id: string;
  /** The project of what it is about (the user, the suite): the email is that project's. */
  projectId: string;
  to: string[];
  template: string;
  /** What the template is rendered with. */
  variables: Record<string, unknown>;
  /** What is kept as its variables when not all of them (a suite's summary keeps only the suite's id). */
  storedVariables?: object;
  /** The user it is sent for (a welcome email). */
  userId?: string;
}

/**
 * How every email is queued, and how other features send one: a templated email is stored
 * inside the caller's transaction (with the rows it is about), then its job is added, at once
 * for a request (see enqueueOrWithdraw) or whenever a background caller gets to it.
 */
@Injectable()
export class EmailOutbox {
  constructor(
    private readonly db: DataSource,
    @InjectQueue(EMAIL_JOB.queue) private readonly queue: Queue<EmailJobData>,
    private readonly fair: FairQueues,
    private readonly templates: EmailTemplates,
  ) {}

  /** Renders the email and stores it `queued`; one already stored under its id is left as it is. */
  async store(m: EntityManager, email: TemplatedEmail): Promise<void> {
    const row = m.create(Email, {
      id: email.id,
      projectId: email.projectId,
      to: email.to,
      template: email.template,
      variables: email.storedVariables ?? email.variables,
      ...this.templates.render(email.template, email.variables),
      status: EmailStatus.queued,
      userId: email.userId,
    });
    await m.createQueryBuilder().insert().into(Email).values(row).orIgnore().execute();
  }

  /**
   * Queues a stored email for a request; if the queue cannot take it, the email and what
   * `alsoWithdraw` removes go in one transaction and the caller gets a 503 (see enqueueOrWithdraw).
   * `projectId` is the project the caller stored it in: it goes in that project's line.
   */
  async enqueueOrWithdraw(
    id: string,
    projectId: string,
    alsoWithdraw?: (m: EntityManager) => Promise<unknown>,
  ): Promise<void> {
    return this.fair.enqueueOrWithdraw(this.queue, projectId, this.job(id), () =>
      this.db.transaction(async (m) => {
        await m.delete(Email, { id });
        await alsoWithdraw?.(m);
      }),
    );
  }

  /**
   * Queues a batch's stored emails together (one round trip to the fair layer); if the queue
   * cannot take them, every one of them is removed and the caller gets a 503: a batch is
   * accepted whole or not at all.
   */
  async enqueueAllOrWithdraw(ids: string[], projectId: string): Promise<void> {
    if (!ids.length) return;
    return queueOrWithdraw(
      `${this.queue.name} batch`,
      ids[0],
      () =>
        this.fair.enqueue(
          this.queue,
          projectId,
          ids.map((id) => this.job(id)),
        ),
      () => this.db.createQueryBuilder().delete().from(Email).whereInIds(ids).execute(),
    );
  }

  private job(id: string) {
    return { name: EMAIL_JOB.name, data: EMAIL_JOB.rows.jobData(id), opts: { jobId: id } };
  }

  /**
   * Queues a stored email while it still waits to go out, for a caller with no request to
   * answer that may come back to it (a suite's end): its job id is its id, so adding twice is harmless.
   */
  async enqueueIfQueued(id: string): Promise<void> {
    const [email] = (await this.db.query(`SELECT status, project_id FROM emails WHERE id = $1`, [id])) as Array<{
      status: EmailStatus;
      project_id: string;
    }>;
    if (email?.status === EmailStatus.queued) await this.fair.enqueue(this.queue, email.project_id, [this.job(id)]);
  }
}
