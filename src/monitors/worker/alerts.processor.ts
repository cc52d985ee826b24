import { Processor } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { jobDataId } from '../../worker-runtime/job-data-id';
import { JobProcessor } from '../../worker-runtime/job-processor';
import { ALERT_JOB, type AlertJobData } from '../alert-job';
import { AlertDelivery, type DeliveryResult } from './alert-delivery';

/** Thin: read the notification id, deliver it; BullMQ retries what the delivery throws. */
@Processor(ALERT_JOB.queue, { autorun: false })
export class AlertsProcessor extends JobProcessor<AlertJobData, DeliveryResult> {
  constructor(private readonly delivery: AlertDelivery) {
    super();
  }

  protected handle(job: Job<AlertJobData>, signal: AbortSignal): Promise<DeliveryResult> {
    return this.delivery.deliver(job, jobDataId(job.data, 'notificationId'), signal);
  }
}
