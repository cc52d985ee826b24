import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.service';
import { AddressPolicy } from '../egress/address-policy';
import type { WebhookSender } from '../egress/webhook-sender';
import { EmailOutbox } from '../emails/email-outbox';
import type { AlertChannel } from './alert-channel.entity';
import { emailVariables, httpBody, type IncidentNews, PAGERDUTY_EVENTS_URL } from './alert-message';
import type { AlertChannelTestResult } from './monitor-responses';
import { alertSender } from './alert-sender';

export const TEST_EVENT = 'alert.test';

/** The made-up incident a test send tells: it says plainly that nothing is failing. */
function testNews(channel: AlertChannel, publicUrl: string): IncidentNews {
  const now = new Date();
  return {
    notificationId: randomUUID(),
    event: 'opened',
    // PagerDuty groups by dedup_key: every test of one channel is one alert there, never a real incident's.
    incidentId: `stevedore-test-${channel.id}`,
    kind: 'failing',
    scheduleId: '00000000-0000-0000-0000-000000000000',
    scheduleName: `Stevedore test of alert channel "${channel.name}"`,
    openedAt: now,
    resolvedAt: null,
    lastError: 'this is a test notification: nothing is failing',
    lastRunId: null,
    isSuite: false,
    publicUrl,
  };
}

/**
 * A test send, now, in the caller's request: HTTP channels get a body of their own shape
 * (a webhook's marked `event: "alert.test"`, a PagerDuty trigger with dedup_key
 * `stevedore-test-<channel id>`) through the egress guard, signed and with redirects
 * refused as real alerts are, once (no retries: the caller sees the outcome); an email is
 * stored and queued through the emails queue like any alert email.
 */
@Injectable()
export class AlertChannelTester implements OnApplicationShutdown {
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

  async test(channel: AlertChannel): Promise<AlertChannelTestResult> {
    const news = testNews(channel, this.config.env.PUBLIC_URL);
    if (channel.type === 'email') {
      const emailId = news.notificationId;
      await this.db.transaction((m) =>
        this.outbox.store(m, {
          id: emailId,
          projectId: channel.projectId,
          to: (channel.config as { to: string[] }).to,
          template: 'incident',
          variables: emailVariables(news),
        }),
      );
      await this.outbox.enqueueOrWithdraw(emailId, channel.projectId);
      return { delivered: true, emailId };
    }
    const config = channel.config as { url?: string; routingKey?: string };
    const url = config.url ?? PAGERDUTY_EVENTS_URL;
    const body = httpBody(channel.type, news, config.routingKey);
    const payload = channel.type === 'webhook' ? { ...(body as object), event: TEST_EVENT, test: true } : body;
    try {
      const { statusCode } = await this.sender.post(url, TEST_EVENT, payload, news.notificationId);
      return { delivered: true, statusCode };
    } catch (error) {
      const message = (error as Error).message;
      const status = /HTTP (\d{3})/.exec(message)?.[1];
      return { delivered: false, ...(status ? { statusCode: Number(status) } : {}), error: message };
    }
  }
}
