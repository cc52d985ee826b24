import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BrowserModule } from '../../browser/browser.module';
import { RunArtifact } from '../run-artifact.entity';
import { ArtifactSweeper } from './artifact-sweeper';
import { RunCancelListener } from './run-cancel-listener';
import { RunExecutor } from './run-executor';
import { RunStepResult } from '../run-step.entity';
import { Run } from '../run.entity';
import { RunsProcessor } from './runs.processor';
import { RunTestResult } from '../run-test.entity';
import { SandboxModule } from '../../sandbox/sandbox.module';
import { ScriptRunner } from './script/script-runner';
import { ScriptSandboxes } from './script/script-sandboxes';
import { SecretsVaultModule } from '../../secrets/secrets-vault.module';

/**
 * Worker side: the processor, the executor, the cancel listener and the artifact sweep. The executor's hooks
 * (RUN_HOOKS) come from whichever worker module offers them globally: runs import no one.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([Run, RunStepResult, RunTestResult, RunArtifact]),
    BrowserModule,
    SandboxModule,
    SecretsVaultModule,
  ],
  providers: [RunsProcessor, RunExecutor, RunCancelListener, ScriptRunner, ScriptSandboxes, ArtifactSweeper],
})
export class RunsWorkerModule {}
