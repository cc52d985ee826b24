import type { Job } from 'bullmq';

/** Whether a failure now would be the job's last: no retry follows it. */
export const isLastAttempt = (job: Job): boolean => job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
