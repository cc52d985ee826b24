import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { DataSource, EntityManager } from 'typeorm';
import { SUITE_JOB } from '../suite-job';
import type { SuiteCounts } from '../suite.entity';
import { SUITE_COUNTS_SQL, type SuiteProgressReport } from '../suite-counts';

/** Named through the alias `s`: the counts subquery has columns of the same names. */
const COUNT_COLUMNS = 's.status, s.total, s.passed, s.failed, s.errored, s.cancelled';

/**
 * A suite's side of its runs (worker side, through SuiteRunHooks): the suite is `running` from its
 * first run's start; its counts are recomputed from the rows each time one of its runs
 * ends (so a retried or replayed run is never counted twice), and reported as progress.
 */
@Injectable()
export class SuiteProgress {
  private readonly logger = new Logger(SuiteProgress.name);

  constructor(
    private readonly db: DataSource,
    @InjectQueue(SUITE_JOB.queue) private readonly suites: Queue,
  ) {}

  /**
   * Before claiming a run of a suite that limits its runs at once: true when the suite has
   * room for this run. Places go in test order: a run may start only while the runs
   * running plus the runs still queued ahead of it (lower index) leave a place, so with
   * `concurrency: 1` test 1 never starts before test 0 even when a worker picks its job
   * first (flow children with one priority come in no set order, and a put-off job comes
   * back after a random delay). The suite row is locked in `m` (the claim's transaction),
   * so two workers cannot both take its last place.
   */
  async hasRoom(m: EntityManager, suiteId: string, runId: string, limit: number): Promise<boolean> {
    await m.query(`SELECT id FROM suites WHERE id = $1 FOR UPDATE`, [suiteId]);
    const [{ taken }] = (await m.query(
      `SELECT count(*)::int AS taken FROM runs r, (SELECT suite_index FROM runs WHERE id = $2) me
       WHERE r.suite_id = $1 AND r.id <> $2 AND (r.status = 'running' OR (r.status = 'queued' AND r.suite_index < me.suite_index))`,
      [suiteId, runId],
    )) as Array<{ taken: number }>;
    return taken < limit;
  }

  async runStarted(suiteId: string): Promise<void> {
    const [rows] = (await this.db.query(
      `UPDATE suites s SET status = 'running', started_at = now(), updated_at = now() WHERE s.id = $1 AND s.status = 'queued' RETURNING ${COUNT_COLUMNS}`,
      [suiteId],
    )) as [SuiteCounts[], number];
    if (rows[0]) await this.report(suiteId, rows[0]);
  }

  /**
   * A run of the suite ended (or was found ended): counts from the rows, while the suite is
   * in flight. Returns true when none of its runs is left queued or running.
   */
  async runEnded(suiteId: string): Promise<boolean> {
    try {
      const [rows] = (await this.db.query(
        `UPDATE suites s SET passed = c.passed, failed = c.failed, errored = c.errored, cancelled = c.cancelled, updated_at = now()
         FROM (${SUITE_COUNTS_SQL}) c WHERE s.id = $1 AND s.status IN ('queued', 'running') RETURNING ${COUNT_COLUMNS}, c.in_flight`,
        [suiteId],
      )) as [Array<SuiteCounts & { in_flight: number }>, number];
      if (!rows[0]) return false;
      const { in_flight: inFlight, ...counts } = rows[0];
      await this.report(suiteId, counts);
      return inFlight === 0;
    } catch (err) {
      // The counts are only a view: the suite's end recomputes them from the rows.
      this.logger.warn({ suiteId, err }, 'Could not update a suite’s counts');
      return false;
    }
  }

  /** The suite's parent job, if it is put off (waiting to look again), runs now. */
  async wakeParent(suiteId: string): Promise<void> {
    try {
      const parent = await this.suites.getJob(suiteId);
      if (parent && (await parent.isDelayed())) await parent.promote();
    } catch (err) {
      // It looks again on its own within SuiteFinisher's interval.
      this.logger.warn({ suiteId, err }, 'Could not wake a suite’s parent job');
    }
  }

  private async report(suiteId: string, row: SuiteCounts): Promise<void> {
    const progress: SuiteProgressReport = { ...row, done: row.passed + row.failed + row.errored + row.cancelled };
    await this.suites.updateJobProgress(suiteId, progress as unknown as object).catch(() => undefined);
  }
}
