import type { DefaultJobOptions } from 'bullmq';

const HOUR = 3600;

/**
 * Retries for faults (a crash, a lost connection): exponential backoff with jitter so a
 * fleet of workers does not retry in lock-step. Outcomes are never retried: processors
 * throw UnrecoverableError for those. Finished jobs are kept long enough to inspect in
 * Bull Board, bounded by age and count so Redis does not grow without limit (the
 * database holds the lasting record).
 */
export const DEFAULT_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 2000, jitter: 0.5 },
  removeOnComplete: { age: 24 * HOUR, count: 1000 },
  removeOnFail: { age: 7 * 24 * HOUR, count: 5000 },
};
