import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { JobCatalogue } from '../queues/job-catalogue';
import { recordDeadLetter } from './record-dead-letter';
import { WorkerActivity } from './worker-activity.service';
import { WorkerLifecycle } from './worker-lifecycle.service';

/**
 * Writes a dead letter when a job this worker ran fails for good: no attempt left, or
 * an UnrecoverableError (a permanent SMTP rejection, a browser that never started). A
 * failure that will be retried is not one; a job handed back at shutdown is not a failure.
 */
@Injectable()
export class DeadLetterRecorder implements OnApplicationBootstrap {
  private readonly logger = new Logger(DeadLetterRecorder.name);

  constructor(
    private readonly lifecycle: WorkerLifecycle,
    private readonly db: DataSource,
    private readonly activity: WorkerActivity,
    private readonly catalogue: JobCatalogue,
  ) {}

  onApplicationBootstrap(): void {
    for (const worker of this.lifecycle.workers()) {
      worker.on('failed', (job: Job | undefined, error: Error) => void this.record(worker.name, job, error));
    }
  }

  private async record(queue: string, job: Job | undefined, error: Error): Promise<void> {
    if (!job?.id) return;
    try {
      // Only a job that stays failed: a retry goes to delayed or waiting instead.
      if ((await job.getState()) !== 'failed') return;
      await recordDeadLetter(this.db, {
        queue,
        jobId: job.id,
        jobName: job.name,
        data: job.data,
        error: error.message,
        stack: error.stack ?? null,
        attempts: job.attemptsMade,
        owner: this.catalogue.ownerOf(queue, job.id, job.data),
      });
      this.logger.warn(
        { queue, jobId: job.id, attempts: job.attemptsMade },
        'Job failed for good: kept as a dead letter',
      );
    } catch (err) {
      // At shutdown Redis may already be closed: not an alert. If the job did fail for good,
      // the reconciler finds its row and keeps the dead letter then.
      if (this.activity.isDraining)
        this.logger.log(
          { queue, jobId: job.id },
          'A job failed while the worker was stopping; the reconciler will check it',
        );
      else this.logger.error({ queue, jobId: job.id, err }, 'Could not keep a dead letter');
    }
  }
}
