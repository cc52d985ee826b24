import { Injectable, Logger } from '@nestjs/common';
import { DelayedError, Job, UnrecoverableError } from 'bullmq';
import { DataSource } from 'typeorm';
import { SUITE_COUNTS_SQL } from '../suite-counts';
import type { SuiteJobData } from '../suite-job';
import { progressOf, SuiteSettler } from '../suite-settler';
import type { SuiteStatus } from '../suite.entity';

/** A parent without children looks again this often while runs are in flight (the last run's end wakes it sooner). */
const RECHECK_MS = 5000;

/**
 * The end of a suite, run by its parent job once every child has ended: runs its lost
 * children left running end `error`, then the settler computes the end state and counts
 * from the runs' rows and queues the email and the webhook. Safe to run again (a retry
 * after a crash, or a suite the API already settled): see SuiteSettler.
 */
@Injectable()
export class SuiteFinisher {
  private readonly logger = new Logger(SuiteFinisher.name);

  constructor(
    private readonly db: DataSource,
    private readonly settler: SuiteSettler,
  ) {}

  async settle(job: Job<SuiteJobData>, suiteId: string, token?: string): Promise<{ status: SuiteStatus }> {
    await this.endLostRuns(job);
    const [{ in_flight: inFlight }] = (await this.db.query(SUITE_COUNTS_SQL, [suiteId])) as Array<{
      in_flight: number;
    }>;
    if (inFlight > 0) {
      // A parent without children: its runs go through the fair layer (or were queued again
      // on their own after Redis lost the flow). It looks again later; the end of the
      // suite's last run wakes it sooner (SuiteRunHooks).
      if (!token) throw new Error(`suite ${suiteId} still has ${inFlight} runs in flight`);
      await job.moveToDelayed(Date.now() + RECHECK_MS, token);
      throw new DelayedError();
    }
    const suite = await this.settler.settleIfDone(suiteId);
    if (!suite) throw new UnrecoverableError(`suite ${suiteId} does not exist`);
    await job.updateProgress(progressOf(suite)).catch(() => undefined);
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
}
