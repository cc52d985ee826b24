import { Processor } from '@nestjs/bullmq';
import { Job, UnrecoverableError } from 'bullmq';
import { isUUID } from 'class-validator';
import { JobProcessor } from '../../worker-runtime/job-processor';
import { RunExecutor, RunOutcome } from './run-executor';
import { RUN_JOB, type RunJobData } from '../run-job';

/** Thin: read the run id, hand the run to the executor, return its outcome. */
@Processor(RUN_JOB.queue, { autorun: false })
export class RunsProcessor extends JobProcessor<RunJobData, RunOutcome> {
  constructor(private readonly executor: RunExecutor) {
    super();
  }

  protected handle(job: Job<RunJobData>, signal: AbortSignal, token?: string): Promise<RunOutcome> {
    const { runId } = job.data ?? {};
    if (typeof runId !== 'string' || !isUUID(runId)) throw new UnrecoverableError('job data has no valid runId');
    return this.executor.execute(job, runId, signal, token);
  }
}
