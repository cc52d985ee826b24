import type { AlertChannel, AlertChannelConfig, AlertChannelType } from './alert-channel.entity';
import { PAGERDUTY_EVENTS_URL } from './alert-message';

/** An alert channel as answers show it: where it sends, with what would let anyone post to it masked. */
export interface AlertChannelView {
  id: string;
  name: string;
  type: AlertChannelType;
  target: string;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * What an answer (or an audit event) may say of where a channel sends. A Slack incoming
 * webhook's path is its secret (anyone holding it may post to the channel), so only its
 * origin shows; a PagerDuty routing key shows its last four characters when long enough
 * to keep the rest secret. Email recipients and generic webhook URLs show in full: the
 * webhook is signed (WEBHOOK_SECRET), so its URL alone lets nobody forge a delivery.
 */
export function targetOf(type: AlertChannelType, config: AlertChannelConfig): string {
  if (type === 'email') return (config as { to: string[] }).to.join(', ');
  if (type === 'webhook') return (config as { url: string }).url;
  if (type === 'slack') return `${originOf((config as { url: string }).url)}/…`;
  const { routingKey, url } = config as { routingKey: string; url?: string };
  const key = routingKey.length >= 12 ? `routing key …${routingKey.slice(-4)}` : 'routing key …';
  return url && url !== PAGERDUTY_EVENTS_URL ? `${key} at ${originOf(url)}` : key;
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '…';
  }
}

export const viewOf = (channel: AlertChannel): AlertChannelView => ({
  id: channel.id,
  name: channel.name,
  type: channel.type,
  target: targetOf(channel.type, channel.config),
  createdAt: channel.createdAt,
  updatedAt: channel.updatedAt,
});
