import { z } from 'zod';
import { responseBody } from '../docs/document-registry';
import { count, dateTime, page, timestamps, uuid } from '../docs/wire-types';
import { ALERT_CHANNEL_TYPES } from './alert-channel.entity';

/**
 * The monitor bodies of REST answers (alert channels, incidents, stats): each registered
 * under its name in the OpenAPI document, and the controllers return their z.output types,
 * so the document and the answers cannot differ.
 */

export const alertChannelBody = responseBody(
  'AlertChannel',
  z.object({
    id: uuid,
    name: z.string().meta({ example: 'on-call email' }),
    type: z.enum(ALERT_CHANNEL_TYPES),
    target: z.string().meta({
      description:
        'Where it sends: email recipients and webhook URLs in full, a Slack URL without its path, a PagerDuty routing key by its last four characters',
      example: 'https://hooks.slack.com/…',
    }),
    ...timestamps,
  }),
);

export const alertChannelPageBody = responseBody('AlertChannelPage', page(alertChannelBody));

export const alertChannelTestBody = responseBody(
  'AlertChannelTest',
  z.object({
    delivered: z.boolean().meta({
      description: 'HTTP channels: the receiver answered 2xx; email: stored and queued to the emails queue',
    }),
    statusCode: count.optional().meta({ description: "HTTP channels: the receiver's status, when it answered" }),
    error: z
      .string()
      .optional()
      .meta({ description: 'Why it was not delivered (HTTP 410, refused by the egress rule…)' }),
    emailId: uuid.optional().meta({ description: 'email: the test email (GET /api/emails/{id} follows it)' }),
  }),
);

const notificationBody = z.object({
  id: uuid.meta({ description: 'Also the x-stevedore-delivery header of every attempt (its idempotency key)' }),
  channelId: uuid,
  channelName: z.string().nullable().meta({ description: 'null: the channel was deleted since' }),
  channelType: z.enum(ALERT_CHANNEL_TYPES).nullable(),
  event: z.enum(['opened', 'resolved']),
  status: z.enum(['pending', 'sending', 'delivered', 'failed', 'muted']).meta({
    description: 'failed: given up (a 4xx, or every retry failed: see dead letters); muted: the schedule was muted',
  }),
  attempts: count,
  statusCode: count.nullable(),
  lastError: z.string().nullable(),
  deliveredAt: dateTime.nullable(),
  createdAt: dateTime,
});

export const incidentBody = responseBody(
  'Incident',
  z.object({
    id: uuid.meta({ description: "Also PagerDuty's dedup_key" }),
    kind: z.enum(['failing', 'degraded']),
    state: z.enum(['open', 'recovering', 'resolved']).meta({
      description: 'recovering: passing again, resolved once that holds for the cool-down',
    }),
    openedAt: dateTime,
    resolveDueAt: dateTime.nullable().meta({ description: 'While recovering: when it resolves unless a run fails' }),
    resolvedAt: dateTime.nullable(),
    runIds: z.array(uuid).meta({ description: 'The runs (or suites) it was judged on, oldest first' }),
    lastError: z.string().nullable(),
    notifications: z.array(notificationBody).meta({ description: 'Each change told to each channel, oldest first' }),
  }),
);

export const incidentPageBody = responseBody('IncidentPage', page(incidentBody));

const tally = (description: string) => count.meta({ description });

export const scheduleStatsBody = responseBody(
  'ScheduleStats',
  z.object({
    window: z.enum(['24h', '7d', '30d']),
    from: dateTime,
    to: dateTime,
    runs: z
      .object({
        total: tally('Runs (or suites) that ended in the window'),
        passed: tally('Passed'),
        failed: tally('Failed'),
        error: tally('Ended in error'),
        timed_out: tally('Timed out (never for a suite)'),
        cancelled: tally('Cancelled'),
      })
      .meta({ description: 'Its runs (suites, for a suite schedule) that ended in the window, by outcome' }),
    uptimePercent: z.number().nullable().meta({
      description: 'passed / (passed + failed + error + timed_out) × 100; null when none of those ended',
      example: 99.5,
    }),
    durationMs: z
      .object({ p50: count.nullable(), p95: count.nullable() })
      .meta({ description: 'Of the ended runs with a duration; null when none' }),
    incidents: z
      .object({
        opened: tally('Incidents opened in the window'),
        resolved: tally('Incidents resolved in the window'),
        open: tally('Incidents not resolved now'),
      })
      .meta({ description: 'Its incidents' }),
  }),
);

export type AlertChannelBody = z.output<typeof alertChannelBody>;
export type AlertChannelTestResult = z.output<typeof alertChannelTestBody>;
export type IncidentView = z.output<typeof incidentBody>;
export type ScheduleStats = z.output<typeof scheduleStatsBody>;
