import { QUEUES, RowQueueName } from './queue-names';

/**
 * For each queue, the row its jobs work on (the job id is the row id): what the
 * reconciler needs to re-add a job or end a row, and what a dead-letter replay resets.
 */
export interface JobRowKind {
  queue: RowQueueName;
  /** The row's noun in messages: run, scrape, email, suite. */
  what: string;
  table: 'runs' | 'scrapes' | 'emails' | 'suites';
  jobName: string;
  data: (id: string) => Record<string, string>;
  /** States in which the row waits for its job to end it. */
  inFlight: string[];
  /** The end state of a row whose job failed for good: also the only state a replay starts from. */
  failedStatus: string;
  errorColumn: 'error' | 'last_error';
  hasPriority: boolean;
  /** Columns a replay clears besides the status (timings, error, cancel). */
  replayClears: string;
}

const RUN_LIKE_CLEARS = 'error = NULL, finished_at = NULL, duration_ms = NULL, cancel_requested = false';

export const JOB_ROWS: Record<RowQueueName, JobRowKind> = {
  [QUEUES.testRuns]: {
    queue: QUEUES.testRuns,
    what: 'run',
    table: 'runs',
    jobName: 'run',
    data: (id) => ({ runId: id }),
    inFlight: ['queued', 'running'],
    failedStatus: 'error',
    errorColumn: 'error',
    hasPriority: true,
    replayClears: RUN_LIKE_CLEARS,
  },
  [QUEUES.scrapes]: {
    queue: QUEUES.scrapes,
    what: 'scrape',
    table: 'scrapes',
    jobName: 'scrape',
    data: (id) => ({ scrapeId: id }),
    inFlight: ['queued', 'running'],
    failedStatus: 'failed',
    errorColumn: 'error',
    hasPriority: true,
    replayClears: RUN_LIKE_CLEARS,
  },
  [QUEUES.emails]: {
    queue: QUEUES.emails,
    what: 'email',
    table: 'emails',
    jobName: 'send',
    data: (id) => ({ emailId: id }),
    inFlight: ['queued', 'sending'],
    failedStatus: 'failed',
    errorColumn: 'last_error',
    hasPriority: false,
    replayClears: '',
  },
  // The parent of a suite's flow. Re-added without children, its job waits for the runs
  // still in flight, then settles the suite from their states.
  [QUEUES.suites]: {
    queue: QUEUES.suites,
    what: 'suite',
    table: 'suites',
    jobName: 'suite',
    data: (id) => ({ suiteId: id }),
    inFlight: ['queued', 'running'],
    failedStatus: 'error',
    errorColumn: 'error',
    hasPriority: false,
    replayClears: RUN_LIKE_CLEARS,
  },
};

/** Runs and scrapes record when they ended; emails record only when they were sent. */
export const hasFinishedAt = (kind: JobRowKind) => kind.table !== 'emails';

/** The row kind of a queue, if its jobs work on rows (schedule ticks do not). */
export const jobRowKindOf = (queue: string): JobRowKind | undefined =>
  (JOB_ROWS as Partial<Record<string, JobRowKind>>)[queue];
