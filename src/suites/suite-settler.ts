import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { v5 as uuidv5 } from 'uuid';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config.service';
import { EmailOutbox } from '../emails/email-outbox';
import { SUITE_COUNTS_SQL, type SuiteProgressReport } from './suite-counts';
import { suiteEmailVariables, suiteReport, SuiteReport } from './suite-report';
import { SUITE_JOB } from './suite-job';
import { Suite, SuiteStatus, WebhookStatus } from './suite.entity';
import { WEBHOOK_JOB, webhookJobOptions, type WebhookJobData } from './webhook-job';

/** Namespace for the id of a suite's summary email, derived from the suite's: there is only ever one. */
const SUITE_EMAIL_NAMESPACE = '8d3f0a52-6c1e-4b7a-9e25-3a4c7d9b1f60';

export const suiteEmailId = (suiteId: string) => uuidv5(`suite-finished:${suiteId}`, SUITE_EMAIL_NAMESPACE);

/** The suite and its runs as its report (email, webhook) tells them; undefined if there is no such suite. */
export async function loadSuiteReport(
  m: EntityManager,
  suiteId: string,
  publicUrl: string,
): Promise<{ suite: Suite; report: SuiteReport } | undefined> {
  const suite = await m.findOneBy(Suite, { id: suiteId });
  if (!suite) return undefined;
  const runs = (await m.query(
    `SELECT id, name, status, error, duration_ms FROM runs WHERE suite_id = $1 ORDER BY suite_index`,
    [suiteId],
  )) as Array<{
    id: string;
    name: string;
    status: string;
    error: string | null;
    duration_ms: number | null;
  }>;
  return {
    suite,
    report: suiteReport(
      suite,
      runs.map((r) => ({ ...r, durationMs: r.duration_ms })),
      publicUrl,
    ),
  };
}

/**
 * The end of a suite once none of its runs is queued or running: the end state and the
 * counts from its runs' rows, the summary email stored, its email and webhook queued.
 * Called wherever a run's end is recorded without a worker's run executor (the API's
 * cancel, the reconciler) and by the suite's parent job, so a suite ends even while no
 * worker is alive. Idempotent: the suite row changes once (its update is guarded by its
 * state, under the row's lock), the email's id is derived from the suite's, and the email
 * and webhook jobs are added only while they have not gone out, under derived job ids.
 */
@Injectable()
export class SuiteSettler {
  private readonly logger = new Logger(SuiteSettler.name);

  constructor(
    private readonly db: DataSource,
    private readonly emails: EmailOutbox,
    private readonly config: AppConfig,
    @InjectQueue(WEBHOOK_JOB.queue) private readonly webhooks: Queue<WebhookJobData>,
    @InjectQueue(SUITE_JOB.queue) private readonly suites: Queue,
  ) {}

  /**
   * Settles the suite if none of its runs is in flight; returns the suite as it stands
   * (ended or not), or undefined if there is no such suite.
   */
  async settleIfDone(suiteId: string): Promise<Suite | undefined> {
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
         FROM (${SUITE_COUNTS_SQL}) c WHERE s.id = $1 AND s.status IN ('queued', 'running') AND c.in_flight = 0 RETURNING s.id, s.project_id`,
        [suiteId, this.config.workerName],
      )) as [Array<{ id: string; project_id: string }>, number];
      const loaded = await loadSuiteReport(m, suiteId, this.config.env.PUBLIC_URL);
      if (!loaded) return undefined;
      if (rows.length && loaded.suite.notify.length)
        await this.storeEmail(m, loaded.suite, loaded.report, rows[0].project_id);
      return { ...loaded, justEnded: rows.length > 0 };
    });
    if (!settled) return undefined;
    const { suite, justEnded } = settled;
    if (justEnded)
      this.logger.log(
        {
          suiteId,
          status: suite.status,
          passed: suite.passed,
          failed: suite.failed,
          errored: suite.errored,
          cancelled: suite.cancelled,
        },
        'Suite ended',
      );
    if (suite.status === SuiteStatus.queued || suite.status === SuiteStatus.running) return suite;
    await this.queueNotifications(suite);
    // Live clients follow the parent job's progress: this tells them, worker or not.
    if (justEnded)
      await this.suites.updateJobProgress(suiteId, progressOf(suite) as unknown as object).catch(() => undefined);
    return suite;
  }

  /** The suite of a run whose end was just recorded (if it has one), settled if that was its last run in flight. */
  async settleSuiteOfRun(runId: string): Promise<void> {
    const [run] = (await this.db.query(`SELECT suite_id FROM runs WHERE id = $1`, [runId])) as Array<{
      suite_id: string | null;
    }>;
    if (run?.suite_id) await this.settleIfDone(run.suite_id);
  }

  /** The summary as it is rendered now, in the suite's project; only the suite's id is kept as its variables. */
  private storeEmail(m: EntityManager, suite: Suite, report: SuiteReport, projectId: string): Promise<void> {
    return this.emails.store(m, {
      id: suiteEmailId(suite.id),
      projectId,
      to: suite.notify,
      template: 'suite-finished',
      variables: suiteEmailVariables(report),
      storedVariables: { suiteId: suite.id },
    });
  }

  /** Adds the email's and the webhook's jobs while they have not gone out (ids derived: adding twice is harmless). */
  private async queueNotifications(suite: Suite): Promise<void> {
    if (suite.notify.length) await this.emails.enqueueIfQueued(suiteEmailId(suite.id));
    if (suite.webhookUrl && suite.webhookStatus === WebhookStatus.pending) {
      await this.webhooks.add(WEBHOOK_JOB.name, { suiteId: suite.id }, webhookJobOptions(suite.id));
    }
  }
}

/** A suite's counts as its parent job's progress (Bull Board shows it; live clients get it). */
export function progressOf({ status, total, passed, failed, errored, cancelled }: Suite): SuiteProgressReport {
  return { status, total, passed, failed, errored, cancelled, done: passed + failed + errored + cancelled };
}
