import type { FlowJob } from 'bullmq';
import { DEFAULT_JOB_OPTIONS } from '../queues/default-job-options';
import { jobKind, TIMED_ROW_REPLAY_CLEARS } from '../queues/job-kind';
import { RUN_JOB, runJobData, runJobOptions } from '../runs/run-job';

/** The parent job of a suite's flow: its id is the suite's id. */
export interface SuiteJobData {
  suiteId: string;
}

/**
 * The parent of a suite's flow. Re-added without children (by the reconciler), its job
 * waits for the runs still in flight, then settles the suite from their states.
 */
export const SUITE_JOB = jobKind<SuiteJobData>()({
  queue: 'suites',
  name: 'suite',
  rows: {
    what: 'suite',
    table: 'suites',
    jobData: (id: string): SuiteJobData => ({ suiteId: id }),
    inFlight: ['queued', 'running'],
    failedStatus: 'error',
    errorColumn: 'error',
    hasFinishedAt: true,
    hasPriority: false,
    replayClears: TIMED_ROW_REPLAY_CLEARS,
  },
});

/**
 * One flow per suite: a parent on the suites queue whose children are the suite's runs on
 * the test-runs queue, so the runs spread over every worker and the parent runs once when
 * the last of them ends. A child that fails for good (its browser never started, its
 * worker died too often) is moved to the parent's ignored failures instead of failing the
 * parent or leaving it in waiting-children for ever: the parent still runs, and settles
 * the suite from its runs' rows. A flow's jobs do not get the queues' default options, so
 * they are given here.
 */
export function suiteFlow(
  suite: { id: string; concurrency: number | null },
  runs: Array<{ id: string; priority: number; suiteId: string | null }>,
): FlowJob {
  return {
    name: SUITE_JOB.name,
    queueName: SUITE_JOB.queue,
    data: SUITE_JOB.rows.jobData(suite.id),
    opts: { ...DEFAULT_JOB_OPTIONS, jobId: suite.id },
    children: runs.map((run) => ({
      name: RUN_JOB.name,
      queueName: RUN_JOB.queue,
      data: runJobData(run, suite.concurrency),
      opts: { ...DEFAULT_JOB_OPTIONS, ...runJobOptions(run), ignoreDependencyOnFailure: true },
    })),
  };
}
