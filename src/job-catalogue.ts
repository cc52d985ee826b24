import { EMAIL_JOB } from './emails/email-job';
import { ALERT_JOB } from './monitors/alert-job';
import { JobCatalogue } from './queues/job-catalogue';
import type { JobKind } from './queues/job-kind';
import { RUN_JOB } from './runs/run-job';
import { SCHEDULE_TICK_JOB } from './schedules/schedule-job';
import { SCRAPE_JOB } from './scrapes/scrape-job';
import { SUITE_JOB } from './suites/suite-job';
import { WEBHOOK_JOB } from './suites/webhook-job';

/**
 * Every job kind of the platform, each declared in its feature's `<feature>-job.ts`. Both
 * processes build their queues from this list; a worker checks at start that each kind has
 * exactly one processor. The order is the reconciler's order over row kinds.
 */
export const JOB_KINDS: readonly JobKind[] = [
  RUN_JOB,
  SCRAPE_JOB,
  EMAIL_JOB,
  SCHEDULE_TICK_JOB,
  SUITE_JOB,
  WEBHOOK_JOB,
  ALERT_JOB,
];

export const JOB_CATALOGUE = new JobCatalogue(JOB_KINDS);

/** The platform's queue names (a dead-letter filter is one of them). */
export const QUEUE_NAMES = JOB_CATALOGUE.queueNames;
/** The config key that sets each queue's worker concurrency; schedule ticks, suite ends and webhooks use BullMQ's default. */
export const QUEUE_CONCURRENCY_KEY = JOB_CATALOGUE.concurrencyKeys;
