import type { Env } from '../config/env.schema';

/** Every queue the platform uses, and the config key that sets its worker concurrency. */
export const QUEUES = {
  testRuns: 'test-runs',
  scrapes: 'scrapes',
  emails: 'emails',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const QUEUE_NAMES: readonly QueueName[] = Object.values(QUEUES);

export const QUEUE_CONCURRENCY_KEY: Record<QueueName, keyof Env> = {
  'test-runs': 'WORKER_CONCURRENCY',
  scrapes: 'SCRAPE_CONCURRENCY',
  emails: 'EMAIL_CONCURRENCY',
};

/** Queues with a rate limit across all workers: the config key giving jobs per second (0 = none). */
export const QUEUE_RATE_LIMIT_KEY: Partial<Record<QueueName, keyof Env>> = {
  emails: 'EMAIL_RATE_LIMIT',
};
