import { Logger } from '@nestjs/common';
import { type Link, SpanKind } from '@opentelemetry/api';
import type { JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { jobTraceMetadata, spanContextOf } from '../../tracing/job-trace';
import { inSpan } from '../../tracing/spans';
import { ACCEPT, ACCEPT_DISPATCH, ACK, DISPATCH, RELEASE, SLOTS, SWEEP, WITHDRAW } from './fair-scripts';

const logger = new Logger('FairQueue');

/** A job as the fair layer keeps it until its turn: what `queue.add` gets then. */
export interface FairJob {
  name: string;
  data: unknown;
  /** jobId is the row's id: adding it twice to BullMQ is harmless. */
  opts: JobsOptions & { jobId: string };
}

/** A group of jobs limited to `limit` pending or in flight at once (a suite's limit of runs at once). */
export interface FairGroup {
  id: string;
  limit: number;
}

/** How many jobs one dispatch call hands out at most (more come with the next call). */
const DISPATCH_BATCH = 50;
/** A job dispatching for longer than this was popped by a process that died before adding it. */
export const DISPATCHING_STALE_MS = 5000;

interface FairCommands {
  fairAccept(...args: Array<string | number>): Promise<number>;
  fairAcceptDispatch(...args: Array<string | number>): Promise<string[]>;
  fairDispatch(...args: Array<string | number>): Promise<string[]>;
  fairAck(...args: string[]): Promise<number>;
  fairRelease(...args: string[]): Promise<number>;
  fairWithdraw(base: string, id: string): Promise<number>;
  fairSweep(base: string, ageMs: number, most: number): Promise<string[]>;
  fairSlots(base: string, worker: string, slots: number, ttlMs: number): Promise<number>;
}

/**
 * The scripts as commands of the client: EVALSHA per call, the text sent once. Define them
 * before the client's first command: with auto-pipelining (the API), a pipeline built
 * before a command was defined cannot send it.
 *
 * Each script builds its keys from the base (ARGV[1]). It is also passed as the one key
 * (KEYS[1], unused by the scripts): on Redis Cluster that sends the script to the node
 * owning the base's slot, and every key built from it shares the prefix's hash tag, so
 * lies in that same slot (as does the running-limits key, also under the prefix).
 */
export function defineFairCommands(redis: Redis): Redis & FairCommands {
  const client = redis as Redis & Partial<FairCommands> & Record<string, unknown>;
  if (!client.fairAccept) {
    const scripts = {
      fairAccept: ACCEPT,
      fairAcceptDispatch: ACCEPT_DISPATCH,
      fairDispatch: DISPATCH,
      fairAck: ACK,
      fairRelease: RELEASE,
      fairWithdraw: WITHDRAW,
      fairSweep: SWEEP,
      fairSlots: SLOTS,
    };
    for (const [name, lua] of Object.entries(scripts)) {
      const keyed = `${name}InSlot`;
      client.defineCommand(keyed, { numberOfKeys: 1, lua });
      client[name] = (base: string, ...rest: Array<string | number>) =>
        (client[keyed] as (...args: Array<string | number>) => Promise<unknown>)(base, base, ...rest);
    }
  }
  return client as Redis & FairCommands;
}

/** Where a queue's fair layer keeps its keys. */
export const fairBase = (prefix: string, queue: string) => `${prefix}:fair:${queue}`;
/**
 * The hash of projects' running limits (project id -> most jobs in flight of one kind),
 * mirrored from the projects table by the workers (FairDispatcher) for dispatch to read.
 */
export const runningLimitsKey = (prefix: string) => `${prefix}:fair:limits:running`;

/** The order within a project: the job's priority (1 most urgent), then arrival. */
export const priorityOf = (opts: JobsOptions): number => Math.max(0, Math.min(100, Math.floor(opts.priority ?? 0)));

/**
 * A fair admission layer in front of one shared BullMQ queue (see README, "Fair sharing"):
 * accepted jobs wait per project in Redis; dispatch hands them to BullMQ one project at a
 * time, least recently served first, keeping no more in BullMQ than the live workers have
 * slots for (and within `cap`), so a job of a project with nothing running starts as soon
 * as a slot frees, whatever another project has queued. Generic over the queue and the
 * project id; every method is one atomic script and safe from any process.
 */
export class FairQueue {
  readonly base: string;
  private readonly redis: Redis & FairCommands;

  constructor(
    readonly queue: Queue,
    redis: Redis,
    prefix: string,
    /** The most jobs in flight across all projects (0 = only the workers' slots). */
    private readonly cap: number,
    /** Whether projects' running limits apply to this queue. */
    private readonly limited: boolean,
  ) {
    this.base = fairBase(prefix, queue.name);
    this.redis = defineFairCommands(redis);
    this.limitsKey = limited ? runningLimitsKey(prefix) : '';
  }

  private readonly limitsKey: string;

  /** Jobs in line in the layer (every project's, and those a group holds back): accepted, not yet handed to BullMQ. */
  async waiting(): Promise<number> {
    const [known, inFlight] = await Promise.all([
      this.redis.hlen(`${this.base}:meta`),
      this.redis.hlen(`${this.base}:inflight`),
    ]);
    return Math.max(0, known - inFlight);
  }

  /** Puts jobs of one project (and one group, if any) in line; returns how many were new. */
  accept(projectId: string, jobs: FairJob[], group?: FairGroup): Promise<number> {
    if (!jobs.length) return Promise.resolve(0);
    return this.redis.fairAccept(this.base, ...this.acceptArgs(projectId, jobs, group));
  }

  /** ACCEPT's arguments after the base: project, group, its limit, then id, priority and payload per job. */
  private acceptArgs(projectId: string, jobs: FairJob[], group?: FairGroup): Array<string | number> {
    const args: Array<string | number> = [projectId, group?.id ?? '', group?.limit ?? 0];
    // The caller's trace goes in line with each job, where BullMQ's telemetry would put it:
    // the add after dispatch (perhaps by a worker, later) keeps it (see addAll).
    const metadata = jobTraceMetadata();
    for (const job of jobs) {
      const kept = metadata ? { ...job, opts: { ...job.opts, telemetry: { metadata } } } : job;
      args.push(job.opts.jobId, priorityOf(job.opts), JSON.stringify(kept));
    }
    return args;
  }

  /**
   * Accepts, then dispatches what the window has room for (the request's own job, most
   * often), in one script: one round trip. Once accepted the jobs are safe: an add that
   * fails is left to the sweep (popped, not added), so it does not fail the caller.
   */
  async enqueue(projectId: string, jobs: FairJob[], group?: FairGroup): Promise<void> {
    if (!jobs.length) return;
    const popped = await this.redis.fairAcceptDispatch(
      this.base,
      this.limitsKey,
      this.cap,
      DISPATCH_BATCH,
      ...this.acceptArgs(projectId, jobs, group),
    );
    try {
      await this.addAll(popped);
      // A full batch: the window may have room for more (as dispatch() goes on).
      if (popped.length / 2 >= DISPATCH_BATCH) await this.dispatch();
    } catch (err) {
      logger.warn({ err, queue: this.queue.name }, 'Dispatch failed; the workers will retry');
    }
  }

  /**
   * Hands out jobs while the window has room and adds them to BullMQ; returns how many.
   * A failed add leaves them dispatching: the sweep adds them again.
   */
  async dispatch(): Promise<number> {
    let total = 0;
    for (;;) {
      const popped = await this.redis.fairDispatch(this.base, this.limitsKey, this.cap, DISPATCH_BATCH);
      if (!popped.length) return total;
      await this.addAll(popped);
      total += popped.length / 2;
      if (popped.length / 2 < DISPATCH_BATCH) return total;
    }
  }

  /** Jobs whose dispatcher died between the pop and the add: added again (the same ids). */
  async sweep(ageMs = DISPATCHING_STALE_MS): Promise<number> {
    const stale = await this.redis.fairSweep(this.base, ageMs, 500);
    await this.addAll(stale);
    return stale.length / 2;
  }

  /** The jobs ended for good (completed, failed on their last attempt, removed unstarted). */
  release(...ids: string[]): Promise<number> {
    return ids.length ? this.redis.fairRelease(this.base, ...ids) : Promise.resolve(0);
  }

  /**
   * A cancel of a job whose row was just ended `cancelled`: it leaves the layer if it is
   * still pending; if it was dispatched, BullMQ's waiting job is removed (a job a worker
   * holds cannot be; its claim then finds the row cancelled and its end releases it).
   */
  async withdraw(id: string): Promise<void> {
    const where = await this.redis.fairWithdraw(this.base, id);
    if (where === 1) return;
    const removed = await this.queue.remove(id).catch(() => 0);
    if (where === 2 && removed === 1) {
      await this.release(id);
      await this.dispatch();
    }
  }

  /** A live worker's slots on this queue, counted in the window for `ttlMs`; 0 takes them out. */
  async offerSlots(worker: string, slots: number, ttlMs: number): Promise<void> {
    await this.redis.fairSlots(this.base, worker, slots, ttlMs);
  }

  /** Job ids in flight that are not dispatching (so BullMQ has had them): what the reconciler checks. */
  async inFlightAdded(): Promise<string[]> {
    const [inflight, dispatching] = await Promise.all([
      this.redis.hkeys(`${this.base}:inflight`),
      this.redis.zrange(`${this.base}:dispatching`, '0', '-1'),
    ]);
    const popping = new Set(dispatching);
    return inflight.filter((id) => !popping.has(id));
  }

  /** Whether the layer knows the job (pending, held or in flight). */
  async knows(id: string): Promise<boolean> {
    return (await this.redis.hexists(`${this.base}:meta`, id)) === 1;
  }

  private async addAll(pairs: string[]): Promise<void> {
    if (!pairs.length) return;
    const jobs: FairJob[] = [];
    const ids: string[] = [];
    for (let i = 0; i < pairs.length; i += 2) {
      ids.push(pairs[i]);
      if (pairs[i + 1]) jobs.push(JSON.parse(pairs[i + 1]) as FairJob);
    }
    if (jobs.length) await this.add(jobs);
    await this.redis.fairAck(this.base, ...ids);
  }

  /**
   * The BullMQ add of dispatched jobs. Each keeps the trace it was accepted in (addBulk
   * prefers a job's own metadata); the dispatch span, in whatever trace dispatches (a
   * request, a worker's tick), links to theirs.
   */
  private add(jobs: FairJob[]): Promise<unknown> {
    const links = jobs
      .map((job) => spanContextOf(job.opts.telemetry?.metadata))
      .filter((context) => context !== undefined)
      .map((context): Link => ({ context }));
    return inSpan(
      `dispatch ${this.queue.name}`,
      { 'bullmq.queue.name': this.queue.name, 'stevedore.jobs': jobs.length },
      (span) => {
        span.addLinks(links);
        return this.queue.addBulk(jobs.map((job) => ({ name: job.name, data: job.data, opts: job.opts })));
      },
      SpanKind.PRODUCER,
    );
  }
}
