import { Processor } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { jobDataId } from '../../worker-runtime/job-data-id';
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
    const scheduleId = jobDataId(job.data, 'scheduleId');
    return this.ticker.tick(scheduleId);
  }
}
