import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { outageLog } from '../outages/outage-log';
import { AppConfig } from '../config/app-config.service';
import { recordDeadLetter } from './record-dead-letter';
import { JobCatalogue, RowJobKind } from '../queues/job-catalogue';
import type { JobRowKind } from '../queues/job-kind';
import { FairQueues } from '../queues/fair/fair-queues';
import { QueueRegistry } from '../queues/queue-registry';
import { REDIS } from '../redis/redis.module';
import { RowEndedHooks } from './row-ended-hooks';

/** Job states in which the job will still run (or is running): nothing to mend. */
const LIVE_STATES = new Set(['active', 'waiting', 'delayed', 'prioritized', 'waiting-children']);
/** A row this recently touched may be between its insert and its job's add. */
const GRACE_SECONDS = 5;
const BATCH = 200;

/**
 * Makes rows and jobs agree, so that whatever got a 2xx reaches an end state. It assumes
 * the database belongs to this deployment (this QUEUE_PREFIX) alone. In one
 * worker at a time (a Redis lock), at start and every RECONCILE_INTERVAL_MS, for each
 * row still queued or running:
 * - no job (the API died between the insert and the add, or the job was removed): the
 *   job is added again, with the row id as job id, so adding twice is harmless; on a
 *   queue with a fair layer a job waiting in its project's line is not missing, and one
 *   missing is put back in that line;
 * - a job that ended (failed for good, e.g. stalled too often after its workers died,
 *   or completed without recording an end): the row ends with the reason.
 */
@Injectable()
export class JobReconciler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(JobReconciler.name);
  private timer?: NodeJS.Timeout;
  private first?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly db: DataSource,
    private readonly queues: QueueRegistry,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
    private readonly catalogue: JobCatalogue,
    private readonly rowEndedHooks: RowEndedHooks,
    private readonly fairQueues: FairQueues,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.config.env.RECONCILE_INTERVAL_MS;
    if (every === 0) return void this.logger.log('Reconciling rows and jobs is off (RECONCILE_INTERVAL_MS=0)');
    const tick = () => {
      this.running = this.pass().catch((err: unknown) =>
        outageLog.fault(this.logger, err, 'Reconciling rows and jobs failed; trying again later', {}, 'warn'),
      );
    };
    // First soon after start (rows a dead worker left), then on the interval.
    this.first = setTimeout(tick, Math.min(2000, every)).unref();
    this.timer = setInterval(tick, every).unref();
  }

  /** Before the shutdown sequence closes Redis and the database: no pass is cut off midway. */
  async onModuleDestroy(): Promise<void> {
    clearTimeout(this.first);
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass over every kind; returns how many rows it mended. */
  async pass(): Promise<number> {
    const lockKey = `${this.config.env.QUEUE_PREFIX}:reconciler:lock`;
    const got = await this.redis.set(
      lockKey,
      this.config.workerName,
      'PX',
      Math.max(1000, this.config.env.RECONCILE_INTERVAL_MS - 100),
      'NX',
    );
    if (got !== 'OK') return 0;
    let mended = 0;
    for (const kind of this.catalogue.rowKinds()) mended += await this.reconcile(kind);
    return mended;
  }

  private async reconcile(kind: RowJobKind): Promise<number> {
    const queue = this.queues.all().find((q) => q.name === kind.queue)!.queue;
    const rows = (await this.db.query(
      `SELECT id, status, project_id${kind.rows.hasPriority ? ', priority' : ''} FROM ${kind.rows.table}
       WHERE status = ANY($1) AND updated_at < now() - make_interval(secs => $2) ORDER BY updated_at LIMIT $3`,
      [kind.rows.inFlight, GRACE_SECONDS, BATCH],
    )) as Array<{ id: string; status: string; project_id: string; priority?: number }>;
    const fair = this.fairQueues.of(kind.queue);
    let mended = 0;
    for (const row of rows) {
      if (fair && (await fair.knows(row.id))) continue;
      const job = await queue.getJob(row.id);
      const state = job ? await job.getState() : 'missing';
      if (LIVE_STATES.has(state)) continue;
      if (state === 'missing' || state === 'unknown') {
        const opts = { jobId: row.id, ...(row.priority ? { priority: row.priority } : {}) };
        await this.fairQueues.enqueue(queue, row.project_id, [
          { name: kind.name, data: kind.rows.jobData(row.id), opts },
        ]);
        this.logger.warn(
          { queue: kind.queue, jobId: row.id, status: row.status },
          `A ${row.status} row had no job: queued it again`,
        );
      } else {
        const reason =
          state === 'failed'
            ? `its job failed for good: ${job?.failedReason ?? 'no reason given'}`
            : 'its job ended without recording an end state';
        await this.end(kind.rows, row.id, reason);
        await this.rowEndedHooks.run(kind.queue, row.id);
        if (job && state === 'failed') {
          await recordDeadLetter(this.db, {
            queue: kind.queue,
            jobId: row.id,
            jobName: job.name,
            data: job.data,
            error: job.failedReason ?? reason,
            stack: job.stacktrace?.at(-1) ?? null,
            attempts: job.attemptsMade,
            owner: { table: kind.rows.table, id: row.id },
          });
        }
        this.logger.warn(
          { queue: kind.queue, jobId: row.id, status: row.status, state },
          `A ${row.status} row outlived its job: ended it`,
        );
      }
      mended++;
    }
    return mended;
  }

  private async end(kind: JobRowKind, id: string, reason: string): Promise<void> {
    await this.db.query(
      `UPDATE ${kind.table} SET status = $2, ${kind.errorColumn} = $3${kind.hasFinishedAt ? ', finished_at = now()' : ''}, updated_at = now()
       WHERE id = $1 AND status = ANY($4)`,
      [id, kind.failedStatus, reason.slice(0, 4000), kind.inFlight],
    );
  }
}
