import type { JobsOptions } from 'bullmq';
import { jobKind, TIMED_ROW_REPLAY_CLEARS } from '../queues/job-kind';

/**
 * A run's job on the test-runs queue: its id is the run's id, so adding twice is harmless.
 * A suite's run also names its suite, and the suite's limit on runs at once if it has one.
 */
export interface RunJobData {
  runId: string;
  suiteId?: string;
  suiteConcurrency?: number;
}

export const RUN_JOB = jobKind<RunJobData>()({
  queue: 'test-runs',
  name: 'run',
  concurrencyKey: 'WORKER_CONCURRENCY',
  fair: { capKey: 'RUNNING_CAPACITY', runningLimits: true },
  rows: {
    what: 'run',
    table: 'runs',
    jobData: (id: string): RunJobData => ({ runId: id }),
    inFlight: ['queued', 'running'],
    failedStatus: 'error',
    errorColumn: 'error',
    hasFinishedAt: true,
    hasPriority: true,
    replayClears: TIMED_ROW_REPLAY_CLEARS,
  },
});

export const runJobData = (
  run: { id: string; suiteId?: string | null },
  suiteConcurrency?: number | null,
): RunJobData => ({
  runId: run.id,
  ...(run.suiteId ? { suiteId: run.suiteId } : {}),
  ...(run.suiteId && suiteConcurrency ? { suiteConcurrency } : {}),
});
export const runJobOptions = (run: { id: string; priority: number }): JobsOptions & { jobId: string } => ({
  jobId: run.id,
  priority: run.priority,
});

/** A run's job as the fair layer (or the queue) takes it. */
export const runJob = (
  run: { id: string; priority: number; suiteId?: string | null },
  suiteConcurrency?: number | null,
) => ({
  name: RUN_JOB.name,
  data: runJobData(run, suiteConcurrency),
  opts: runJobOptions(run),
});
