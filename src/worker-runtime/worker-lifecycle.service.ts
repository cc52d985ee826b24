import { WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { Worker } from 'bullmq';
import { AppConfig } from '../config/app-config.service';
import { JobCatalogue } from '../queues/job-catalogue';
import { checkJobHandlers } from './job-handler-check';
import { STOP_REASONS } from './stop-reasons';
import { WorkerActivity } from './worker-activity.service';

/** After cancelling at the deadline, how long jobs get to hand themselves back. */
const HANDBACK_GRACE_MS = 5000;

/**
 * Starts the BullMQ workers with their configured concurrency, and drains them at
 * shutdown: stop taking jobs at the signal (the first hook Nest runs on close), let
 * active ones finish for up to SHUTDOWN_TIMEOUT_MS, then hand the rest back to the queue
 * and close. The shutdown sequence calls `drain` before it closes queues, Redis and the
 * database.
 */
@Injectable()
export class WorkerLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WorkerLifecycle.name);
  private readonly beforeClose: Array<() => Promise<unknown>> = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly config: AppConfig,
    private readonly activity: WorkerActivity,
    private readonly catalogue: JobCatalogue,
  ) {}

  workers(): Worker[] {
    return this.discovery
      .getProviders()
      .map((wrapper) => wrapper.instance as unknown)
      .filter((instance): instance is WorkerHost => instance instanceof WorkerHost)
      .map((host) => host.worker);
  }

  onApplicationBootstrap(): void {
    const workers = this.workers();
    // Before any worker runs: a kind without its processor (or with two) stops the start.
    checkJobHandlers(
      this.catalogue,
      workers.map((worker) => worker.name),
    );
    for (const worker of workers) {
      const concurrencyKey = this.catalogue.concurrencyKeys[worker.name];
      if (concurrencyKey) worker.concurrency = this.config.env[concurrencyKey];
      const rateKey = this.catalogue.rateLimitKeys[worker.name];
      const perSecond = rateKey ? this.config.env[rateKey] : 0;
      // BullMQ reads the limiter on every fetch, so setting it before run() is enough.
      if (perSecond > 0) worker.opts.limiter = { max: perSecond, duration: 1000 };
      // A job whose worker died is taken over once its lock lapses; the stalled check runs
      // as often. The lock manager copies its timings when built (in the constructor, before
      // config could reach it), so it is built again through BullMQ's protected hook.
      const lockMs = this.config.env.JOB_LOCK_MS;
      Object.assign(worker.opts, { lockDuration: lockMs, lockRenewTime: lockMs / 2, stalledInterval: lockMs });
      (worker as unknown as { createLockManager(): void }).createLockManager();
      if (!worker.isRunning()) {
        worker
          .run()
          .catch((err: unknown) => this.logger.error({ err, queue: worker.name }, 'Worker stopped with an error'));
      }
      this.logger.log(
        { queue: worker.name, concurrency: worker.concurrency, perSecond: perSecond || undefined },
        `Processing ${worker.name}`,
      );
    }
  }

  /**
   * Stops taking jobs, on every queue, before anything else of the shutdown runs. Pausing
   * stops BullMQ's fetch loop, but a blocking wait already in flight still moves the next
   * job to active when one arrives; WorkerActivity hands any job that reaches a draining
   * worker straight back to the queue, unstarted.
   */
  async stopTakingJobs(): Promise<void> {
    if (this.activity.isDraining) return;
    this.activity.markDraining();
    // pause(true) flags the worker at once and does not wait for the active jobs.
    await Promise.all(this.workers().map((worker) => worker.pause(true)));
  }

  onModuleDestroy(): Promise<void> {
    return this.stopTakingJobs();
  }

  /**
   * Work a job's end starts in the background (its 'completed' listeners) that must end
   * before the shutdown sequence closes Redis and the database: the drain waits for it
   * once the workers are closed.
   */
  finishBeforeClose(task: () => Promise<unknown>): void {
    this.beforeClose.push(task);
  }

  /**
   * Stops taking jobs, lets the active ones end (or hands them back), closes the workers,
   * then ends the heartbeat: in every case, and before the shutdown sequence closes Redis.
   */
  async drain(signal?: string): Promise<void> {
    try {
      await this.closeWorkers(signal);
    } finally {
      await this.activity.stopHeartbeat();
    }
  }

  private async closeWorkers(signal?: string): Promise<void> {
    const workers = this.workers();
    if (workers.length === 0) return;
    const timeoutMs = this.config.env.SHUTDOWN_TIMEOUT_MS;
    await this.stopTakingJobs();
    this.logger.log(
      { signal, active: this.activity.activeCount, timeoutMs },
      'Shutting down: no new jobs, waiting for active ones',
    );

    const idle = await this.activity.waitIdle(timeoutMs);
    if (!idle) {
      this.logger.warn(
        { active: this.activity.activeCount },
        'Shutdown timeout reached: handing running jobs back to the queue',
      );
      workers.forEach((worker) => worker.cancelAllJobs(STOP_REASONS.shutdown));
      if (!(await this.activity.waitIdle(HANDBACK_GRACE_MS))) {
        // A job that ignores its signal keeps its lock until it expires; then another
        // worker's stalled-job check takes it over.
        this.logger.error(
          { active: this.activity.activeCount },
          'Jobs did not stop; they will be recovered as stalled',
        );
      }
    }
    // Idle, a plain close waits only for BullMQ to finish the last jobs' bookkeeping (moving
    // them to completed, their 'completed' listeners) before Redis closes. Given up on,
    // force skips BullMQ's own unbounded wait for jobs that do not stop.
    await Promise.all(workers.map((worker) => worker.close(!idle)));
    await Promise.all(this.beforeClose.map((task) => task()));
    this.logger.log('Workers closed');
  }
}
