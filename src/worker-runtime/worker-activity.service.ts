import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DelayedError, Job, WaitingError } from 'bullmq';
import type { Redis } from 'ioredis';
import { outageLog } from '../outages/outage-log';
import { AppConfig } from '../config/app-config.service';
import { JobMetrics } from '../metrics/job-metrics';
import { REDIS } from '../redis/redis.module';
import { workerHeartbeatKey, WorkerSnapshot } from '../queues/worker-heartbeat';
import { STOP_REASONS } from './stop-reasons';

const HEARTBEAT_MS = 5000;

/**
 * What this worker process is doing: every job runs through `track`, which keeps the
 * counts, the metrics and the shutdown hand-back in one place. A heartbeat in Redis
 * lets the API list live workers.
 */
@Injectable()
export class WorkerActivity implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerActivity.name);
  private active = 0;
  private processed = 0;
  private failed = 0;
  private requeued = 0;
  private draining = false;
  private readonly startedAt = new Date();
  private lastHeartbeat: Date | null = null;
  private heartbeatTimer?: NodeJS.Timeout;
  private beating: Promise<void> = Promise.resolve();
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly config: AppConfig,
    private readonly jobMetrics: JobMetrics,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async track<R>(
    job: Job,
    token: string | undefined,
    signal: AbortSignal | undefined,
    run: (signal: AbortSignal) => Promise<R>,
  ): Promise<R> {
    const queue = job.queueName;
    const started = performance.now();
    const finish = (outcome: 'completed' | 'failed' | 'requeued' | 'deferred') => {
      this.jobMetrics.jobEnded(queue, outcome, (performance.now() - started) / 1000);
    };
    if (this.draining && token) {
      // Fetched after the shutdown signal (a blocking wait that was already in flight):
      // back to the queue unstarted, for the next worker, with no attempt spent.
      await job.moveToWait(token);
      this.requeued++;
      finish('requeued');
      this.logger.log({ queue, jobId: job.id }, 'Job received while draining: handed back to the queue unstarted');
      throw new WaitingError();
    }
    this.active++;
    try {
      const result = await run(signal ?? new AbortController().signal);
      this.processed++;
      finish('completed');
      return result;
    } catch (error) {
      if (signal?.aborted && signal.reason === STOP_REASONS.shutdown && token) {
        // Cut off by shutdown: hand the job back without spending one of its attempts.
        await job.moveToWait(token);
        this.requeued++;
        finish('requeued');
        this.logger.warn({ queue, jobId: job.id }, 'Job handed back to the queue at shutdown');
        throw new WaitingError();
      }
      // Put off on purpose (moved to delayed): not a failure, and no attempt spent.
      if (error instanceof DelayedError) {
        finish('deferred');
        throw error;
      }
      this.failed++;
      finish('failed');
      throw error;
    } finally {
      this.active--;
      if (this.active === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
    }
  }

  get activeCount(): number {
    return this.active;
  }

  /** Resolves true when no job is running, or false after `timeoutMs`. */
  waitIdle(timeoutMs: number): Promise<boolean> {
    if (this.active === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  markDraining(): void {
    this.draining = true;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  snapshot(): WorkerSnapshot {
    return {
      name: this.config.workerName,
      pid: process.pid,
      active: this.active,
      processed: this.processed,
      failed: this.failed,
      requeued: this.requeued,
      draining: this.draining,
      startedAt: this.startedAt.toISOString(),
      lastHeartbeat: this.lastHeartbeat?.toISOString() ?? null,
    };
  }

  onApplicationBootstrap(): void {
    this.beating = this.beat();
    this.heartbeatTimer = setInterval(() => (this.beating = this.beat()), HEARTBEAT_MS);
    this.heartbeatTimer.unref();
  }

  /**
   * The heartbeat's end, called by the drain once the jobs are done and before the shutdown
   * sequence closes Redis (a beat after that would report a Redis outage that is only the
   * worker's own close). The worker leaves the list (GET /api/workers) at once instead of
   * when its key expires.
   */
  async stopHeartbeat(): Promise<void> {
    if (!this.heartbeatTimer) return;
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
    await this.beating;
    try {
      await this.redis.del(this.heartbeatKey());
    } catch (error) {
      outageLog.fault(this.logger, error, 'Removing the worker heartbeat failed');
    }
  }

  /** A backstop: the drain stops the heartbeat; the timer must never outlive the app. */
  onApplicationShutdown(): void {
    clearInterval(this.heartbeatTimer);
  }

  /** The key expires on its own when the worker dies, so the list holds only live workers. */
  private async beat(): Promise<void> {
    try {
      this.lastHeartbeat = new Date();
      await this.redis.set(this.heartbeatKey(), JSON.stringify(this.snapshot()), 'PX', HEARTBEAT_MS * 3);
    } catch (error) {
      // Redis away: one line per outage (the outage log), not one per heartbeat.
      outageLog.fault(this.logger, error, 'Worker heartbeat failed');
    }
  }

  private heartbeatKey(): string {
    return workerHeartbeatKey(this.config.env.QUEUE_PREFIX, this.config.workerName);
  }
}
