import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config.service';
import { AddressPolicy } from '../../egress/address-policy';
import { WebhookRejectedError, type WebhookSender } from '../../egress/webhook-sender';
import { EmailOutbox } from '../../emails/email-outbox';
import { isLastAttempt } from '../../worker-runtime/last-attempt';
import type { AlertChannelConfig, AlertChannelType } from '../alert-channel.entity';
import type { AlertJobData } from '../alert-job';
import { emailVariables, httpBody, type IncidentNews, PAGERDUTY_EVENTS_URL } from '../alert-message';
import type { NotificationEvent, NotificationStatus } from '../alert-notification.entity';
import type { IncidentKind } from '../incident.entity';
import { alertSender } from '../alert-sender';

interface NotificationRow {
  id: string;
  project_id: string;
  status: NotificationStatus;
  event: NotificationEvent;
  channel_type: AlertChannelType | null;
  channel_config: AlertChannelConfig | null;
  incident_id: string;
  kind: IncidentKind;
  opened_at: Date;
  resolved_at: Date | null;
  last_error: string | null;
  run_ids: string[];
  schedule_id: string;
  schedule_name: string | null;
  is_suite: boolean | null;
}

export type DeliveryResult = { status: 'delivered' | 'skipped'; statusCode?: number };

/**
 * Sends one notification to its channel. HTTP channels (webhook, Slack, PagerDuty) go
 * through the egress guard with no redirects followed, the webhook's body signed as suite
 * webhooks are, and `x-stevedore-delivery: <notification id>` on every attempt so a
 * receiver can drop a repeat; PagerDuty drops one by its dedup_key (the incident). An email
 * is handed to the emails queue under the notification's id (stored once, sent once). A
 * 4xx or a refusal is final (a dead letter); anything else is retried with backoff.
 */
@Injectable()
export class AlertDelivery implements OnApplicationShutdown {
  private readonly logger = new Logger(AlertDelivery.name);
  private readonly sender: WebhookSender;

  constructor(
    private readonly db: DataSource,
    private readonly config: AppConfig,
    private readonly outbox: EmailOutbox,
    egress: AddressPolicy,
  ) {
    this.sender = alertSender(egress, config);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sender.close();
  }

  async deliver(job: Job, notificationId: string, signal: AbortSignal): Promise<DeliveryResult> {
    const [row] = (await this.db.query(
      `SELECT n.id, n.project_id, n.status, n.event, c.type AS channel_type, c.config AS channel_config,
              i.id AS incident_id, i.kind, i.opened_at, i.resolved_at, i.last_error, i.run_ids,
              i.schedule_id, s.name AS schedule_name, s.suite IS NOT NULL AS is_suite
         FROM alert_notifications n
         JOIN incidents i ON i.id = n.incident_id
         LEFT JOIN alert_channels c ON c.id = n.channel_id
         LEFT JOIN schedules s ON s.id = i.schedule_id
        WHERE n.id = $1`,
      [notificationId],
    )) as NotificationRow[];
    if (!row) throw new UnrecoverableError(`alert notification ${notificationId} does not exist`);
    if (row.status === 'delivered' || row.status === 'muted') return { status: 'skipped' };
    // Sent by an earlier attempt that could not record it (the database was away): record it only, never send twice.
    const sent = (job.data as AlertJobData).sentStatusCode;
    if (sent !== undefined) {
      await this.record(notificationId, 'delivered', null, sent);
      return { status: 'delivered', statusCode: sent ?? undefined };
    }
    if (!row.channel_type || !row.channel_config) {
      await this.record(notificationId, 'failed', 'its alert channel was deleted', null);
      throw new UnrecoverableError('its alert channel was deleted');
    }
    // A channel hears of an incident in order: its recovery waits while the alert is still being tried
    // (a receiver retried into a later success must not get "resolved" first), but not past its own last attempt.
    if (row.event === 'resolved' && !isLastAttempt(job) && (await this.alertStillTrying(notificationId))) {
      await this.record(notificationId, 'pending', 'waiting for the alert of this incident to go first', null);
      throw new Error('waiting for the alert of this incident to go first');
    }
    await this.db.query(
      `UPDATE alert_notifications SET status = 'sending', attempts = attempts + 1, updated_at = now() WHERE id = $1`,
      [notificationId],
    );
    const news: IncidentNews = {
      notificationId,
      event: row.event,
      incidentId: row.incident_id,
      kind: row.kind,
      scheduleId: row.schedule_id,
      scheduleName: row.schedule_name ?? `schedule ${row.schedule_id}`,
      openedAt: new Date(row.opened_at),
      resolvedAt: row.resolved_at && new Date(row.resolved_at),
      lastError: row.last_error,
      lastRunId: row.run_ids.at(-1) ?? null,
      isSuite: Boolean(row.is_suite),
      publicUrl: this.config.env.PUBLIC_URL,
    };
    try {
      const statusCode = await this.send(row, news, signal);
      await job.updateData({ ...(job.data as AlertJobData), sentStatusCode: statusCode });
      await this.record(notificationId, 'delivered', null, statusCode);
      this.logger.log(
        { notificationId, incidentId: row.incident_id, channel: row.channel_type, event: row.event, statusCode },
        'Alert delivered',
      );
      return { status: 'delivered', statusCode: statusCode ?? undefined };
    } catch (error) {
      if (signal.aborted) throw error;
      const message = (error as Error).message;
      const final = error instanceof WebhookRejectedError || isLastAttempt(job);
      await this.record(notificationId, final ? 'failed' : 'pending', message, null);
      this.logger.warn(
        { notificationId, channel: row.channel_type, final, attempt: job.attemptsMade + 1, error: message },
        'Alert not delivered',
      );
      throw error instanceof WebhookRejectedError ? new UnrecoverableError(message) : error;
    }
  }

  /** Sends it; the HTTP status for HTTP channels. */
  private async send(row: NotificationRow, news: IncidentNews, signal: AbortSignal): Promise<number | null> {
    const type = row.channel_type as AlertChannelType;
    const config = row.channel_config as AlertChannelConfig;
    if (type === 'email') {
      const to = (config as { to: string[] }).to;
      await this.db.transaction((m) =>
        this.outbox.store(m, {
          id: row.id,
          projectId: row.project_id,
          to,
          template: 'incident',
          variables: emailVariables(news),
        }),
      );
      await this.outbox.enqueueIfQueued(row.id);
      return null;
    }
    const url =
      type === 'pagerduty'
        ? ((config as { url?: string }).url ?? PAGERDUTY_EVENTS_URL)
        : (config as { url: string }).url;
    const routingKey = type === 'pagerduty' ? (config as { routingKey: string }).routingKey : undefined;
    const { statusCode } = await this.sender.post(
      url,
      `incident.${row.event}`,
      httpBody(type, news, routingKey),
      row.id,
      signal,
    );
    return statusCode;
  }

  private async alertStillTrying(resolvedId: string): Promise<boolean> {
    const [row] = (await this.db.query(
      `SELECT 1 FROM alert_notifications o JOIN alert_notifications r
          ON r.incident_id = o.incident_id AND r.channel_id = o.channel_id
        WHERE r.id = $1 AND o.event = 'opened' AND o.status IN ('pending', 'sending')`,
      [resolvedId],
    )) as unknown[];
    return row !== undefined;
  }

  private async record(id: string, status: NotificationStatus, error: string | null, statusCode: number | null) {
    await this.db.query(
      `UPDATE alert_notifications SET status = $2::varchar, last_error = $3, status_code = COALESCE($4::int, status_code),
              delivered_at = CASE WHEN $2::varchar = 'delivered' THEN now() ELSE delivered_at END, updated_at = now()
        WHERE id = $1`,
      [id, status, error?.slice(0, 4000) ?? null, statusCode],
    );
  }
}
