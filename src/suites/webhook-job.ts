import type { JobsOptions } from 'bullmq';
import { DEFAULT_JOB_OPTIONS } from '../queues/default-job-options';
import { jobKind } from '../queues/job-kind';

/** A suite's webhook delivery: its job id is the suite's id, so there is one per suite. */
export interface WebhookJobData {
  suiteId: string;
}

/**
 * Receivers go down for a while: eight attempts with exponential backoff from 5 s span
 * about ten minutes before the delivery is given up (and kept as a dead letter).
 */
export const WEBHOOK_JOB = jobKind<WebhookJobData>()({
  queue: 'webhooks',
  name: 'suite.finished',
  // A delivery's dead letter is its suite's project's.
  owner: { table: 'suites', idOf: (data: WebhookJobData) => data?.suiteId },
  options: { attempts: 8, backoff: { type: 'exponential', delay: 5000, jitter: 0.5 } },
});

export const webhookJobOptions = (suiteId: string): JobsOptions & { jobId: string } => ({
  ...DEFAULT_JOB_OPTIONS,
  jobId: suiteId,
  ...WEBHOOK_JOB.options,
});
