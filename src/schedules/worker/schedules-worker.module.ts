import { Module } from '@nestjs/common';
import { ScheduleRestorer } from './schedule-restorer';
import { ScheduleTicker } from './schedule-ticker';
import { SchedulesProcessor } from './schedules.processor';

/** Worker side: each tick queues a run; missing job schedulers are put back. */
@Module({
  providers: [SchedulesProcessor, ScheduleTicker, ScheduleRestorer],
})
export class SchedulesWorkerModule {}
