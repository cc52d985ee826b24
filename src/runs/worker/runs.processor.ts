import { Processor } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { jobDataId } from '../../worker-runtime/job-data-id';
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
    const runId = jobDataId(job.data, 'runId');
    return this.executor.execute(job, runId, signal, token);
  }
}
