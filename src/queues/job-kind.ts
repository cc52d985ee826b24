import type { JobsOptions } from 'bullmq';
import type { Env } from '../config/env.schema';

/** Config keys holding a number (a concurrency, a rate): what a job kind may name. */
export type NumericEnvKey = { [K in keyof Env]: Env[K] extends number ? K : never }[keyof Env];

/**
 * The database row a job works on (the job id is the row id): what the reconciler needs to
 * re-add a job or end a row, what a dead-letter replay resets, and what a processor needs
 * to settle a row it could not claim.
 */
export interface JobRowKind {
  /** The row's noun in messages: run, scrape, email, suite. */
  what: string;
  table: string;
  /** States in which the row waits for its job to end it. */
  inFlight: readonly string[];
  /** The end state of a row whose job failed for good: also the only state a replay starts from. */
  failedStatus: string;
  errorColumn: string;
  /** Whether the row records when it ended (finished_at). */
  hasFinishedAt: boolean;
  /** Whether the row has a priority its job is queued with. */
  hasPriority: boolean;
  /** Columns a replay clears besides the status (timings, error, cancel). */
  replayClears: string;
}

/** A row kind, with the data of the job that works on a row of that id. */
export interface RowKind<Data = unknown> extends JobRowKind {
  jobData(id: string): Data;
}

/** What a replay clears on a row that records its timing, its error and a cancel request. */
export const TIMED_ROW_REPLAY_CLEARS = 'error = NULL, finished_at = NULL, duration_ms = NULL, cancel_requested = false';

/** Type-only key carrying a kind's data type; never set at run time. */
declare const carries: unique symbol;

/**
 * One kind of job: its queue (one kind per queue, the queue's processor handles it), the
 * name its jobs are added with, and what they carry. Each feature declares its kinds in
 * its `<feature>-job.ts`; src/job-catalogue.ts lists them all. Queue names, job names and
 * data shapes are persisted in Redis: they never change once released.
 */
export interface JobKind<Data = unknown> {
  queue: string;
  name: string;
  /** Options its jobs are added with over the queues' defaults (retries of its own, say). */
  options?: Omit<JobsOptions, 'jobId'>;
  /** The config key setting each worker's concurrency on this queue; BullMQ's default (1) without one. */
  concurrencyKey?: NumericEnvKey;
  /** The config key giving jobs per second across all workers (0 = no limit). */
  rateLimitKey?: NumericEnvKey;
  /** The row each job works on, for queues whose jobs work on rows. */
  rows?: RowKind<Data>;
  /**
   * For a kind without rows of its own, the row whose project its jobs belong to (a
   * schedule's tick, a suite's webhook): a dead letter of such a job is that project's.
   */
  owner?: { table: string; idOf(data: Data): unknown };
  /**
   * Jobs of this kind go through the fair admission layer (src/queues/fair): dispatched one
   * project at a time, at most `capKey` in flight across all workers (the workers' slots
   * only, without it), each project within its running limit when `runningLimits` is set.
   * `prefetch`: each worker offers that many more places per slot, so BullMQ holds a few
   * jobs waiting and a worker takes the next as it ends the last (short jobs: emails),
   * instead of idling through a release, a dispatch and a fetch. Another project's new job
   * then waits behind at most those few.
   */
  fair?: { capKey?: NumericEnvKey; runningLimits?: boolean; prefetch?: number };
  readonly [carries]?: Data;
}

/**
 * Declares a job kind with its data type, keeping the literal queue and job names:
 * `jobKind<RunJobData>()({ queue: 'test-runs', name: 'run', ... })`.
 */
export const jobKind =
  <Data>() =>
  <const Kind extends Omit<JobKind<Data>, typeof carries>>(kind: Kind): Kind & JobKind<Data> =>
    kind;
