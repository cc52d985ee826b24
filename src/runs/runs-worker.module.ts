import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SuitesWorkerModule } from '../suites/suites-worker.module';
import { BrowserModule } from '../browser/browser.module';
import { RunArtifact } from './run-artifact.entity';
import { RunCancelListener } from './run-cancel-listener';
import { RunExecutor } from './run-executor';
import { RunStepResult } from './run-step.entity';
import { Run } from './run.entity';
import { RunsProcessor } from './runs.processor';

/** Worker side: the processor, the executor and the cancel listener (a suite's runs report to it). */
@Module({
  imports: [TypeOrmModule.forFeature([Run, RunStepResult, RunArtifact]), BrowserModule, SuitesWorkerModule],
  providers: [RunsProcessor, RunExecutor, RunCancelListener],
})
export class RunsWorkerModule {}
