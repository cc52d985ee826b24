import { jobKind } from '../queues/job-kind';

/** What an emails job carries: the id (the row holds the rest). */
export interface EmailJobData {
  emailId: string;
  /** Set when the SMTP server accepted the message and the database could not record it: the retry only records it. */
  acceptedAt?: string;
}

export interface EmailJobResult {
  status: 'sent' | 'skipped';
  messageId?: string;
}

/** An email's job: its id is the email's id. Emails record only when they were sent, not when they ended. */
export const EMAIL_JOB = jobKind<EmailJobData>()({
  queue: 'emails',
  name: 'send',
  concurrencyKey: 'EMAIL_CONCURRENCY',
  rateLimitKey: 'EMAIL_RATE_LIMIT',
  // An email takes milliseconds: as many again wait in BullMQ, ready for the next fetch.
  fair: { runningLimits: true, prefetch: 1 },
  rows: {
    what: 'email',
    table: 'emails',
    jobData: (id: string): EmailJobData => ({ emailId: id }),
    inFlight: ['queued', 'sending'],
    failedStatus: 'failed',
    errorColumn: 'last_error',
    hasFinishedAt: false,
    hasPriority: false,
    replayClears: '',
  },
});
