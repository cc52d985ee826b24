import type { Queue } from 'bullmq';
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

const tickTemplate = (scheduleId: string) => ({
  name: SCHEDULE_TICK_JOB.name,
  data: { scheduleId } satisfies ScheduleTickData,
  opts: SCHEDULE_TICK_JOB.options,
});

/**
 * Starts the ticks of a schedule: its job scheduler (id = the schedule's id) on the
 * schedules queue, created or replaced. Returns when the next tick is due.
 */
export async function startTicks(
  queue: Queue,
  schedule: { id: string; cron: string; timezone: string },
): Promise<Date> {
  const next = await queue.upsertJobScheduler(
    schedule.id,
    { pattern: schedule.cron, tz: schedule.timezone },
    tickTemplate(schedule.id),
  );
  return new Date(next.timestamp + next.delay);
}
