import { Processor } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { jobDataId } from '../../worker-runtime/job-data-id';
import { JobProcessor } from '../../worker-runtime/job-processor';
import { WebhookDelivery } from './webhook-delivery';
import { WEBHOOK_JOB, type WebhookJobData } from '../webhook-job';

/** Thin: read the suite id, deliver its webhook; BullMQ retries what the delivery throws. */
@Processor(WEBHOOK_JOB.queue, { autorun: false })
export class WebhooksProcessor extends JobProcessor<WebhookJobData, unknown> {
  constructor(private readonly delivery: WebhookDelivery) {
    super();
  }

  protected handle(job: Job<WebhookJobData>, signal: AbortSignal): Promise<unknown> {
    const suiteId = jobDataId(job.data, 'suiteId');
    return this.delivery.deliver(job, suiteId, signal);
  }
}
