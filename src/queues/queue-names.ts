import type { Env } from '../config/env.schema';

/** Every queue the platform uses, and the config key that sets its worker concurrency. */
export const QUEUES = {
  testRuns: 'test-runs',
  scrapes: 'scrapes',
  emails: 'emails',
  schedules: 'schedules',
  suites: 'suites',
  webhooks: 'webhooks',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const QUEUE_NAMES: readonly QueueName[] = Object.values(QUEUES);

/** The one FlowProducer (suites: a parent job with the runs as children). */
export const FLOW_PRODUCER = 'flows';

/** Queues whose jobs each work on one row (run, scrape, email, suite): the job id is the row id. */
export type RowQueueName = Exclude<QueueName, 'schedules' | 'webhooks'>;

/**
 * Schedule ticks and suite ends are a few short queries each, and webhook deliveries are
 * few: BullMQ's default concurrency (1) per worker suits them.
 */
export const QUEUE_CONCURRENCY_KEY: Partial<Record<QueueName, keyof Env>> = {
  'test-runs': 'WORKER_CONCURRENCY',
  scrapes: 'SCRAPE_CONCURRENCY',
  emails: 'EMAIL_CONCURRENCY',
};

/** Queues with a rate limit across all workers: the config key giving jobs per second (0 = none). */
export const QUEUE_RATE_LIMIT_KEY: Partial<Record<QueueName, keyof Env>> = {
  emails: 'EMAIL_RATE_LIMIT',
};
