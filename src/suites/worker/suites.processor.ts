import { Processor } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { jobDataId } from '../../worker-runtime/job-data-id';
import { JobProcessor } from '../../worker-runtime/job-processor';
import { SuiteFinisher } from './suite-finisher';
import { SUITE_JOB, type SuiteJobData } from '../suite-job';
import type { SuiteStatus } from '../suite.entity';

/** Thin: the parent of a suite's flow runs once its runs have ended; the finisher settles the suite. */
@Processor(SUITE_JOB.queue, { autorun: false })
export class SuitesProcessor extends JobProcessor<SuiteJobData, { status: SuiteStatus }> {
  constructor(private readonly finisher: SuiteFinisher) {
    super();
  }

  protected handle(job: Job<SuiteJobData>, _signal: AbortSignal, token?: string): Promise<{ status: SuiteStatus }> {
    const suiteId = jobDataId(job.data, 'suiteId');
    return this.finisher.settle(job, suiteId, token);
  }
}
