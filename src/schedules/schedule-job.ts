import type { JobSchedulerTemplateOptions } from 'bullmq';

/** What a schedule's job scheduler puts on the schedules queue at each tick. */
export interface ScheduleTickData {
  scheduleId: string;
}

export const TICK_JOB_NAME = 'tick';

/**
 * A tick that hit a fault (the database away) is tried once more soon after; later than
 * that it would be a late run. Ticks are many and small: keep few of them in Redis.
 */
export const TICK_JOB_OPTIONS: JobSchedulerTemplateOptions = {
  attempts: 2,
  backoff: { type: 'fixed', delay: 1000 },
  removeOnComplete: { count: 100 },
  removeOnFail: { count: 500 },
};

export const tickTemplate = (scheduleId: string) => ({
  name: TICK_JOB_NAME,
  data: { scheduleId } satisfies ScheduleTickData,
  opts: TICK_JOB_OPTIONS,
});
