import { Processor } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { jobDataId } from '../../worker-runtime/job-data-id';
import { JobProcessor } from '../../worker-runtime/job-processor';
import { isLastAttempt } from '../../worker-runtime/last-attempt';
import { EMAIL_JOB, type EmailJobData, type EmailJobResult } from '../email-job';
import { EmailSender } from './email-sender';

/** Thin: read the email id, deliver it, tell the sender whether this is the last attempt. */
@Processor(EMAIL_JOB.queue, { autorun: false })
export class EmailsProcessor extends JobProcessor<EmailJobData, EmailJobResult> {
  constructor(private readonly sender: EmailSender) {
    super();
  }

  protected handle(job: Job<EmailJobData>): Promise<EmailJobResult> {
    const emailId = jobDataId(job.data, 'emailId');
    const lastAttempt = isLastAttempt(job);
    return this.sender.deliver(emailId, lastAttempt, {
      acceptedAt: job.data.acceptedAt,
      remember: (acceptedAt) => job.updateData({ ...job.data, acceptedAt }),
    });
  }
}
