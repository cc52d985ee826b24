import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config.service';
import { AddressPolicy } from '../../egress/address-policy';
import { isLastAttempt } from '../../worker-runtime/last-attempt';
import { loadSuiteReport } from '../suite-settler';
import { WebhookStatus } from '../suite.entity';
import { WebhookRejectedError, WebhookSender } from '../../egress/webhook-sender';

const USER_AGENT = 'Stevedore-Webhook/1.0';

/**
 * POSTs a suite's report to its webhook URL, through the egress guard (checked again at
 * connect time: DNS may have changed since the suite was accepted). A refusal or a 4xx is
 * final; a network error, a timeout, 429 or 5xx is thrown for BullMQ to retry. The suite
 * row says how it went (webhookStatus, webhookError).
 */
@Injectable()
export class WebhookDelivery implements OnApplicationShutdown {
  private readonly logger = new Logger(WebhookDelivery.name);
  private readonly sender: WebhookSender;

  constructor(
    private readonly db: DataSource,
    private readonly config: AppConfig,
    egress: AddressPolicy,
  ) {
    this.sender = new WebhookSender(egress, {
      userAgent: USER_AGENT,
      timeoutMs: config.env.WEBHOOK_TIMEOUT_MS,
      secret: config.env.WEBHOOK_SECRET || undefined,
    });
  }

  /** After the shutdown sequence drained the workers: a delivery in flight keeps its connection. */
  async onApplicationShutdown(): Promise<void> {
    await this.sender.close();
  }

  async deliver(
    job: Job,
    suiteId: string,
    signal: AbortSignal,
  ): Promise<{ status: WebhookStatus | 'skipped'; statusCode?: number }> {
    const loaded = await loadSuiteReport(this.db.manager, suiteId, this.config.env.PUBLIC_URL);
    if (!loaded) throw new UnrecoverableError(`suite ${suiteId} does not exist`);
    const { suite, report } = loaded;
    // `failed` too: a dead letter's replay tries a delivery that was given up.
    if (!suite.webhookUrl || suite.webhookStatus === WebhookStatus.delivered) return { status: 'skipped' };
    try {
      const { statusCode, durationMs } = await this.sender.post(
        suite.webhookUrl,
        report.event,
        report,
        suite.id,
        signal,
      );
      await this.record(suiteId, WebhookStatus.delivered, null);
      this.logger.log({ suiteId, statusCode, durationMs }, 'Suite webhook delivered');
      return { status: WebhookStatus.delivered, statusCode };
    } catch (error) {
      if (signal.aborted) throw error;
      const message = (error as Error).message;
      const final = error instanceof WebhookRejectedError || isLastAttempt(job);
      await this.record(suiteId, final ? WebhookStatus.failed : WebhookStatus.pending, message);
      this.logger.warn(
        { suiteId, final, attempt: job.attemptsMade + 1, error: message },
        'Suite webhook not delivered',
      );
      throw error instanceof WebhookRejectedError ? new UnrecoverableError(message) : error;
    }
  }

  private async record(suiteId: string, status: WebhookStatus, error: string | null): Promise<void> {
    await this.db.query(`UPDATE suites SET webhook_status = $2, webhook_error = $3, updated_at = now() WHERE id = $1`, [
      suiteId,
      status,
      error?.slice(0, 4000) ?? null,
    ]);
  }
}
