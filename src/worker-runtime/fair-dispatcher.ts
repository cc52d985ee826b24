import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { InFlightBatcher } from '../batching/in-flight-batcher';
import { AppConfig } from '../config/app-config.service';
import { outageLog } from '../outages/outage-log';
import { type FairQueue, runningLimitsKey } from '../queues/fair/fair-queue';
import { FairQueues } from '../queues/fair/fair-queues';
import { JobCatalogue } from '../queues/job-catalogue';
import { REDIS } from '../redis/redis.module';
import { WorkerActivity } from './worker-activity.service';
import { WorkerLifecycle } from './worker-lifecycle.service';

/** How often a worker offers its slots, dispatches and sweeps. */
export const FAIR_TICK_MS = 1000;
/** A worker's slots count in the window this long after its last tick (a dead worker's lapse). */
const SLOTS_TTL_MS = 5 * FAIR_TICK_MS;
/** How often (one worker at a time) jobs in flight are checked against BullMQ. */
const RECONCILE_EVERY_TICKS = 5;
/** BullMQ states in which a job will still run, or runs: still in flight. */
const LIVE = new Set(['active', 'waiting', 'delayed', 'prioritized', 'waiting-children', 'paused']);

/**
 * The worker side of the fair layer (src/queues/fair): each worker mirrors the projects'
 * running limits to Redis and offers its slots on
 * each fair queue it processes (what bounds the window), gives a job's place back when the
 * job ends for good (completed, or failed with no retry left) and dispatches the next, and
 * once a second dispatches, adds again what a dead process popped but never added, and
 * (one worker at a time) releases places whose job BullMQ no longer has or has ended.
 */
@Injectable()
export class FairDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(FairDispatcher.name);
  private served: Array<{ fair: FairQueue; worker: Worker; slots: number }> = [];
  /** Per queue: the places of jobs that end while a release is in flight go back together, with one dispatch. */
  private readonly releases = new Map<FairQueue, InFlightBatcher<string, void>>();
  /** Places being given back for jobs that ended: the drain waits for them before Redis closes. */
  private readonly ending = new Set<Promise<void>>();
  private timer?: NodeJS.Timeout;
  private ticks = 0;
  private ticking = false;

  constructor(
    private readonly fairQueues: FairQueues,
    private readonly lifecycle: WorkerLifecycle,
    private readonly activity: WorkerActivity,
    private readonly catalogue: JobCatalogue,
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly db: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    for (const worker of this.lifecycle.workers()) {
      const fair = this.fairQueues.of(worker.name);
      if (!fair) continue;
      const key = this.catalogue.concurrencyKeys[worker.name];
      const concurrency = key ? this.config.env[key] : 1;
      const prefetch = this.catalogue.kindOf(worker.name)?.fair?.prefetch ?? 0;
      this.served.push({ fair, worker, slots: Math.ceil(concurrency * (1 + prefetch)) });
      worker.on('completed', (job: Job) => this.track(this.ended(fair, job)));
      // finishedOn is set only when the failure is final (no retry follows it).
      worker.on('failed', (job: Job | undefined) => job?.finishedOn && this.track(this.ended(fair, job)));
    }
    if (!this.served.length) return;
    // A job that ends during the drain gives its place back after its worker is idle.
    this.lifecycle.finishBeforeClose(() => Promise.all(this.ending));
    void this.tick();
    this.timer = setInterval(() => void this.tick(), FAIR_TICK_MS).unref();
  }

  /** Before Redis closes: this worker's slots leave the window at once. */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(
      this.served.map(({ fair }) => fair.offerSlots(this.config.workerName, 0, 0).catch(() => undefined)),
    );
  }

  private track(ending: Promise<void>): void {
    this.ending.add(ending);
    void ending.finally(() => this.ending.delete(ending));
  }

  /** Never rejects: a place that cannot be given back now is left to the reconciler. */
  private async ended(fair: FairQueue, job: Job): Promise<void> {
    let releases = this.releases.get(fair);
    if (!releases) {
      releases = new InFlightBatcher<string, void>(async (ids) => {
        await fair.release(...ids);
        await fair.dispatch();
      });
      this.releases.set(fair, releases);
    }
    try {
      if (job.id) await releases.call(job.id);
      else await fair.dispatch();
    } catch (err) {
      outageLog.fault(this.logger, err, 'Could not give a fair place back; the reconciler will', {}, 'warn');
    }
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const reconcile = ++this.ticks % RECONCILE_EVERY_TICKS === 1 && (await this.reconcileLock());
      await this.mirrorLimits();
      for (const { fair, slots } of this.served) {
        // A draining worker takes no job: its slots leave the window.
        await fair.offerSlots(this.config.workerName, this.activity.isDraining ? 0 : slots, SLOTS_TTL_MS);
        if (reconcile) await this.reconcile(fair);
        await fair.sweep();
        await fair.dispatch();
      }
    } catch (err) {
      outageLog.fault(this.logger, err, 'Fair dispatch tick failed', {}, 'warn');
    } finally {
      this.ticking = false;
    }
  }

  /**
   * Projects' running limits, from the database to the hash dispatch reads: a change
   * (PATCH /api/projects/:id) applies within a tick, on every worker, with no message.
   */
  private async mirrorLimits(): Promise<void> {
    const rows = (await this.db.query(
      `SELECT id, running_limit FROM projects WHERE running_limit IS NOT NULL`,
    )) as Array<{ id: string; running_limit: number }>;
    const key = runningLimitsKey(this.config.env.QUEUE_PREFIX);
    const write = this.redis.multi().del(key);
    if (rows.length) write.hset(key, Object.fromEntries(rows.map((row) => [row.id, String(row.running_limit)])));
    await write.exec();
  }

  private async reconcileLock(): Promise<boolean> {
    const key = `${this.config.env.QUEUE_PREFIX}:fair:reconcile:lock`;
    const ms = RECONCILE_EVERY_TICKS * FAIR_TICK_MS - 100;
    return (await this.redis.set(key, this.config.workerName, 'PX', ms, 'NX')) === 'OK';
  }

  /** Places held by jobs that ended without telling (a worker that died, a stalled job failed for good). */
  async reconcile(fair: FairQueue): Promise<number> {
    const ended: string[] = [];
    for (const id of await fair.inFlightAdded()) {
      const job = await fair.queue.getJob(id);
      const state = job ? await job.getState() : 'missing';
      if (!LIVE.has(state)) ended.push(id);
    }
    const released = await fair.release(...ended);
    if (released)
      this.logger.warn({ queue: fair.queue.name, released }, 'Released fair places of jobs that ended unseen');
    return released;
  }
}
