import { jobKind, TIMED_ROW_REPLAY_CLEARS } from '../queues/job-kind';

/** A scrape's job on the scrapes queue: its id is the scrape's id (the row holds the request). */
export interface ScrapeJobData {
  scrapeId: string;
}

export const SCRAPE_JOB = jobKind<ScrapeJobData>()({
  queue: 'scrapes',
  name: 'scrape',
  concurrencyKey: 'SCRAPE_CONCURRENCY',
  fair: { runningLimits: true },
  rows: {
    what: 'scrape',
    table: 'scrapes',
    jobData: (id: string): ScrapeJobData => ({ scrapeId: id }),
    inFlight: ['queued', 'running'],
    failedStatus: 'failed',
    errorColumn: 'error',
    hasFinishedAt: true,
    hasPriority: true,
    replayClears: TIMED_ROW_REPLAY_CLEARS,
  },
});
