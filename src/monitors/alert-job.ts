import { jobKind } from '../queues/job-kind';

/** An alert notification's delivery: its job id is the notification's id (one per incident change and channel). */
export interface AlertJobData {
  notificationId: string;
  /** Set once the receiver took it and the database could not record that: the retry only records it. */
  sentStatusCode?: number | null;
}

/**
 * Receivers go down for a while: eight attempts with exponential backoff from 2 s span
 * about four minutes before the delivery is given up (and kept as a dead letter). The
 * reconciler adds a job again for a notification stored without one (a crash between the
 * two), and a replay of its dead letter tries once more.
 */
export const ALERT_JOB = jobKind<AlertJobData>()({
  queue: 'alerts',
  name: 'notify',
  concurrencyKey: 'ALERT_CONCURRENCY',
  options: { attempts: 8, backoff: { type: 'exponential', delay: 2000, jitter: 0.5 } },
  rows: {
    what: 'alert notification',
    table: 'alert_notifications',
    jobData: (id: string): AlertJobData => ({ notificationId: id }),
    inFlight: ['pending', 'sending'],
    failedStatus: 'failed',
    errorColumn: 'last_error',
    hasFinishedAt: false,
    hasPriority: false,
    replayClears: 'status_code = NULL',
  },
});
