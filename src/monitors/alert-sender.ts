import type { AppConfig } from '../config/app-config.service';
import type { AddressPolicy } from '../egress/address-policy';
import { WebhookSender } from '../egress/webhook-sender';

/** How alerts are posted, by the worker's deliveries and the API's test sends alike: signed as suite webhooks are. */
export const alertSender = (egress: AddressPolicy, config: AppConfig): WebhookSender =>
  new WebhookSender(egress, {
    userAgent: 'Stevedore-Alerts/1.0',
    timeoutMs: config.env.WEBHOOK_TIMEOUT_MS,
    secret: config.env.WEBHOOK_SECRET || undefined,
  });
