import { Processor } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { jobDataId } from '../../worker-runtime/job-data-id';
import { JobProcessor } from '../../worker-runtime/job-processor';
import { ScrapeExecutor, ScrapeOutcome } from './scrape-executor';
import { SCRAPE_JOB, type ScrapeJobData } from '../scrape-job';

/** Thin: read the scrape id, hand the scrape to the executor, return its outcome. */
@Processor(SCRAPE_JOB.queue, { autorun: false })
export class ScrapesProcessor extends JobProcessor<ScrapeJobData, ScrapeOutcome> {
  constructor(private readonly executor: ScrapeExecutor) {
    super();
  }

  protected handle(job: Job<ScrapeJobData>, signal: AbortSignal): Promise<ScrapeOutcome> {
    const scrapeId = jobDataId(job.data, 'scrapeId');
    return this.executor.execute(job, scrapeId, signal);
  }
}
