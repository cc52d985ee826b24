import { Processor } from '@nestjs/bullmq';
import { Job, UnrecoverableError } from 'bullmq';
import { isUUID } from 'class-validator';
import { JobProcessor } from '../../worker-runtime/job-processor';
import { SCHEDULE_TICK_JOB, type ScheduleTickData } from '../schedule-job';
import { ScheduleTicker, TickOutcome } from './schedule-ticker';

/** Thin: read the schedule id of a tick and let the ticker decide. */
@Processor(SCHEDULE_TICK_JOB.queue, { autorun: false })
export class SchedulesProcessor extends JobProcessor<ScheduleTickData, TickOutcome> {
  constructor(private readonly ticker: ScheduleTicker) {
    super();
  }

  protected handle(job: Job<ScheduleTickData>): Promise<TickOutcome> {
    const { scheduleId } = job.data ?? {};
    if (typeof scheduleId !== 'string' || !isUUID(scheduleId))
      throw new UnrecoverableError('job data has no valid scheduleId');
    return this.ticker.tick(scheduleId);
  }
}
