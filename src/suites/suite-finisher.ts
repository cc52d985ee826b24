import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { DelayedError, Job, Queue, UnrecoverableError } from 'bullmq';
import { v5 as uuidv5 } from 'uuid';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config.service';
import type { EmailJobData } from '../emails/email-job';
import { EmailTemplates } from '../emails/email-templates';
import { Email, EmailStatus } from '../emails/email.entity';
import { QUEUES } from '../queues/queue-names';
import { SUITE_COUNTS_SQL, type SuiteProgressReport } from './suite-progress';
import type { SuiteJobData } from './suite-job';
import { suiteEmailVariables, suiteReport, SuiteReport } from './suite-report';
import { Suite, SuiteStatus, WebhookStatus } from './suite.entity';
import { WEBHOOK_JOB_NAME, webhookJobOptions, type WebhookJobData } from './webhook-job';

/** Namespace for the id of a suite's summary email, derived from the suite's: there is only ever one. */
const SUITE_EMAIL_NAMESPACE = '8d3f0a52-6c1e-4b7a-9e25-3a4c7d9b1f60';
/** A parent re-added without children (after Redis lost it) looks again this often while runs are in flight. */
const RECHECK_MS = 5000;

export const suiteEmailId = (suiteId: string) => uuidv5(`suite-finished:${suiteId}`, SUITE_EMAIL_NAMESPACE);

/** The suite and its runs as its report (email, webhook) tells them; undefined if there is no such suite. */
export async function loadSuiteReport(m: EntityManager, suiteId: string, publicUrl: string): Promise<{ suite: Suite; report: SuiteReport } | undefined> {
  const suite = await m.findOneBy(Suite, { id: suiteId });
  if (!suite) return undefined;
  const runs = (await m.query(`SELECT id, name, status, error, duration_ms FROM runs WHERE suite_id = $1 ORDER BY suite_index`, [suiteId])) as Array<{
    id: string; name: string; status: string; error: string | null; duration_ms: number | null;
  }>;
  return { suite, report: suiteReport(suite, runs.map((r) => ({ ...r, durationMs: r.duration_ms })), publicUrl) };
}

/**
 * The end of a suite, run by its parent job once every child has ended: the end state and
 * the counts from its runs' rows, then the summary email and the webhook. Safe to run
 * again (a retry after a crash): a suite that already ended is not changed, and its email
 * and webhook are queued only while they have not gone out.
 */
@Injectable()
export class SuiteFinisher {
  private readonly logger = new Logger(SuiteFinisher.name);

  constructor(
    private readonly db: DataSource,
    private readonly templates: EmailTemplates,
    private readonly config: AppConfig,
    @InjectQueue(QUEUES.emails) private readonly emails: Queue<EmailJobData>,
    @InjectQueue(QUEUES.webhooks) private readonly webhooks: Queue<WebhookJobData>,
  ) {}

  async settle(job: Job<SuiteJobData>, suiteId: string, token?: string): Promise<{ status: SuiteStatus }> {
    await this.endLostRuns(job);
    const [{ in_flight: inFlight }] = (await this.db.query(SUITE_COUNTS_SQL, [suiteId])) as Array<{ in_flight: number }>;
    if (inFlight > 0) {
      // Only when the parent was added again without its children (Redis lost them): the
      // runs were queued again on their own, and the suite ends after them.
      if (!token) throw new Error(`suite ${suiteId} still has ${inFlight} runs in flight`);
      await job.moveToDelayed(Date.now() + RECHECK_MS, token);
      throw new DelayedError();
    }

    const settled = await this.db.transaction(async (m) => {
      const [rows] = (await m.query(
        `UPDATE suites s SET
           status = CASE WHEN s.cancel_requested THEN 'cancelled' WHEN c.failed > 0 THEN 'failed' WHEN c.errored > 0 THEN 'error'
                         WHEN c.cancelled > 0 THEN 'cancelled' ELSE 'passed' END,
           passed = c.passed, failed = c.failed, errored = c.errored, cancelled = c.cancelled,
           started_at = COALESCE(s.started_at, c.first_started), finished_at = now(),
           duration_ms = (extract(epoch FROM now() - COALESCE(s.started_at, c.first_started)) * 1000)::int,
           webhook_status = CASE WHEN s.webhook_url IS NULL THEN NULL ELSE 'pending' END,
           attempt = s.attempt + 1, worker = $2, updated_at = now()
         FROM (${SUITE_COUNTS_SQL}) c WHERE s.id = $1 AND s.status IN ('queued', 'running') RETURNING s.id`,
        [suiteId, this.config.workerName],
      )) as [unknown[], number];
      const loaded = await loadSuiteReport(m, suiteId, this.config.env.PUBLIC_URL);
      if (!loaded) throw new UnrecoverableError(`suite ${suiteId} does not exist`);
      if (rows.length && loaded.suite.notify.length) await this.storeEmail(m, loaded.suite, loaded.report);
      return { ...loaded, justEnded: rows.length > 0 };
    });

    const { suite, justEnded } = settled;
    if (justEnded) this.logger.log({ suiteId, status: suite.status, passed: suite.passed, failed: suite.failed, errored: suite.errored, cancelled: suite.cancelled }, 'Suite ended');
    await this.queueNotifications(suite);
    const { status, total, passed, failed, errored, cancelled } = suite;
    await job.updateProgress({ status, total, passed, failed, errored, cancelled, done: passed + failed + errored + cancelled } satisfies SuiteProgressReport).catch(() => undefined);
    return { status: suite.status };
  }

  /**
   * A child that failed for good (its worker died too often) may leave its run `running`:
   * the parent's list of ignored failures names it, and its run ends `error` here.
   */
  private async endLostRuns(job: Job): Promise<void> {
    const failures = await job.getIgnoredChildrenFailures();
    for (const [key, reason] of Object.entries(failures)) {
      const runId = key.slice(key.lastIndexOf(':') + 1);
      const [rows] = (await this.db.query(
        `UPDATE runs SET status = 'error', error = $2, finished_at = now(), updated_at = now() WHERE id = $1 AND status IN ('queued', 'running') RETURNING id`,
        [runId, `its job failed for good: ${reason}`.slice(0, 4000)],
      )) as [unknown[], number];
      if (rows.length) this.logger.warn({ runId, reason }, 'A run of a suite outlived its job: ended it');
    }
  }

  private async storeEmail(m: EntityManager, suite: Suite, report: SuiteReport): Promise<void> {
    const variables = suiteEmailVariables(report);
    const email = m.create(Email, {
      id: suiteEmailId(suite.id), to: suite.notify, template: 'suite-finished', variables: { suiteId: suite.id },
      ...this.templates.render('suite-finished', variables), status: EmailStatus.queued,
    });
    await m.createQueryBuilder().insert().into(Email).values(email).orIgnore().execute();
  }

  /** Adds the email's and the webhook's jobs while they have not gone out (ids derived: adding twice is harmless). */
  private async queueNotifications(suite: Suite): Promise<void> {
    if (suite.notify.length) {
      const emailId = suiteEmailId(suite.id);
      const [email] = (await this.db.query(`SELECT status FROM emails WHERE id = $1`, [emailId])) as Array<{ status: EmailStatus }>;
      if (email?.status === EmailStatus.queued) await this.emails.add('send', { emailId }, { jobId: emailId });
    }
    if (suite.webhookUrl && suite.webhookStatus === WebhookStatus.pending) {
      await this.webhooks.add(WEBHOOK_JOB_NAME, { suiteId: suite.id }, webhookJobOptions(suite.id));
    }
  }
}
