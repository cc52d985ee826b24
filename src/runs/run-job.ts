import type { JobsOptions } from 'bullmq';

/** A run's job on the test-runs queue: its id is the run's id, so adding twice is harmless. */
export interface RunJobData {
  runId: string;
}

export const RUN_JOB_NAME = 'run';
export const runJobData = (run: { id: string }): RunJobData => ({ runId: run.id });
export const runJobOptions = (run: { id: string; priority: number }): JobsOptions & { jobId: string } => ({ jobId: run.id, priority: run.priority });
