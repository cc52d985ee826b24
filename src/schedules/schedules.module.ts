import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RunsModule } from '../runs/runs.module';
import { SuitesModule } from '../suites/suites.module';
import { Schedule } from './schedule.entity';
import { SchedulesController } from './schedules.controller';
import { SchedulesResolver } from './schedules.resolver';
import { SchedulesService } from './schedules.service';

/** API side: create, list, read and delete schedules (the runs' and suites' validation checks what they queue). */
@Module({
  imports: [TypeOrmModule.forFeature([Schedule]), RunsModule, SuitesModule],
  controllers: [SchedulesController],
  providers: [SchedulesService, SchedulesResolver],
})
export class SchedulesModule {}
