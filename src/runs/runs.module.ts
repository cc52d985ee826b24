import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RunArtifact } from './run-artifact.entity';
import { RunCapacity } from './run-capacity';
import { RunLiveSource } from './run-live-source';
import { RunStepResult } from './run-step.entity';
import { RunTestResult } from './run-test.entity';
import { Run } from './run.entity';
import { RunReportController } from './report/run-report.controller';
import { RunsController } from './runs.controller';
import { RunsResolver } from './runs.resolver';
import { RunStatsService } from './run-stats';
import { RunsService } from './runs.service';

/** API side: accept, list, read and cancel runs; serve their artifacts and a script run's HTML report. Suites hear of cancels through RUNS_ENDED_HOOK. */
@Module({
  imports: [TypeOrmModule.forFeature([Run, RunStepResult, RunTestResult, RunArtifact])],
  controllers: [RunsController, RunReportController],
  providers: [RunsService, RunsResolver, RunCapacity, RunLiveSource, RunStatsService],
  exports: [RunsService, RunCapacity],
})
export class RunsModule {}
