import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BrowserPool } from './browser-pool';
import { RunArtifact } from './run-artifact.entity';
import { RunCancelListener } from './run-cancel-listener';
import { RunExecutor } from './run-executor';
import { RunStepResult } from './run-step.entity';
import { Run } from './run.entity';
import { RunsProcessor } from './runs.processor';

/** Worker side: the processor, the executor, the browser pool and the cancel listener. */
@Module({
  imports: [TypeOrmModule.forFeature([Run, RunStepResult, RunArtifact])],
  providers: [RunsProcessor, RunExecutor, BrowserPool, RunCancelListener],
  // One Chromium per worker process: scrapes with `render` use it too.
  exports: [BrowserPool],
})
export class RunsWorkerModule {}
