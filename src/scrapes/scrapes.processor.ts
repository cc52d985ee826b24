import { Processor } from '@nestjs/bullmq';
import { Job, UnrecoverableError } from 'bullmq';
import { isUUID } from 'class-validator';
import { JobProcessor } from '../worker-runtime/job-processor';
import { QUEUES } from '../queues/queue-names';
import { ScrapeExecutor, ScrapeOutcome } from './scrape-executor';
import type { ScrapeJobData } from './scrapes.service';

/** Thin: read the scrape id, hand the scrape to the executor, return its outcome. */
@Processor(QUEUES.scrapes, { autorun: false })
export class ScrapesProcessor extends JobProcessor<ScrapeJobData, ScrapeOutcome> {
  constructor(private readonly executor: ScrapeExecutor) {
    super();
  }

  protected handle(job: Job<ScrapeJobData>, signal: AbortSignal): Promise<ScrapeOutcome> {
    const { scrapeId } = job.data ?? {};
    if (typeof scrapeId !== 'string' || !isUUID(scrapeId))
      throw new UnrecoverableError('job data has no valid scrapeId');
    return this.executor.execute(job, scrapeId, signal);
  }
}
