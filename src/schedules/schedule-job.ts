import { jobKind } from '../queues/job-kind';

/** What a schedule's job scheduler puts on the schedules queue at each tick. */
export interface ScheduleTickData {
  scheduleId: string;
}

/**
 * A tick that hit a fault (the database away) is tried once more soon after; later than
 * that it would be a late run. Ticks are many and small: keep few of them in Redis.
 */
export const SCHEDULE_TICK_JOB = jobKind<ScheduleTickData>()({
  queue: 'schedules',
  name: 'tick',
  // A tick's dead letter is its schedule's project's.
  owner: { table: 'schedules', idOf: (data: ScheduleTickData) => data?.scheduleId },
  options: {
    attempts: 2,
    backoff: { type: 'fixed', delay: 1000 },
    removeOnComplete: { count: 100 },
    removeOnFail: { count: 500 },
  },
});

export const tickTemplate = (scheduleId: string) => ({
  name: SCHEDULE_TICK_JOB.name,
  data: { scheduleId } satisfies ScheduleTickData,
  opts: SCHEDULE_TICK_JOB.options,
});
