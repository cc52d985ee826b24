import { WorkerHost } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import type { Job } from 'bullmq';
import { WorkerActivity } from './worker-activity.service';

/**
 * Base of every processor: subclasses implement `handle` (parse the job, call a service,
 * map the outcome) and honour the AbortSignal; counting, metrics and the shutdown
 * hand-back happen here. Declare processors with `@Processor(name, { autorun: false })`:
 * the worker starts them once their concurrency is set from config.
 */
export abstract class JobProcessor<Data = unknown, Result = unknown> extends WorkerHost {
  @Inject(WorkerActivity) private readonly activity: WorkerActivity;

  /** `token` is the job's lock: what moving it to delayed (a deferral) needs. */
  protected abstract handle(job: Job<Data>, signal: AbortSignal, token?: string): Promise<Result>;

  override process(job: Job<Data>, token?: string, signal?: AbortSignal): Promise<Result> {
    return this.activity.track(job, token, signal, (abort) => this.handle(job, abort, token));
  }
}
