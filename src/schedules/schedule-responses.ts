import { z } from 'zod';
import { responseBody } from '../docs/document-registry';
import { count, dateTime, jsonObject, page, timestamps, uuid } from '../docs/wire-types';

/**
 * The schedule bodies of REST answers: each schema is registered under its name in the
 * OpenAPI document, and the controllers return their z.output types, so the document and
 * the answers cannot differ.
 */

export const scheduleBody = responseBody(
  'Schedule',
  z.object({
    ...timestamps,
    id: uuid,
    name: z.string(),
    cron: z.string().meta({ example: '30 7 * * 1-5' }),
    timezone: z.string().meta({ example: 'Europe/Paris' }),
    run: jsonObject(
      'The run definition each tick queues, as accepted (defaults filled in); null for a suite schedule',
    ).nullable(),
    suite: jsonObject('The suite each tick queues, as accepted; null for a run schedule').nullable(),
    lastRunId: uuid.nullable(),
    lastSuiteId: uuid.nullable(),
    lastTickAt: dateTime.nullable(),
    runsQueued: count.meta({ description: 'Runs (or suites) its ticks queued' }),
    ticksSkipped: count.meta({
      description: 'Ticks that queued nothing: the previous run was still going, or runs were at capacity',
    }),
    lastSkipReason: z.string().nullable(),
    pausedAt: dateTime
      .nullable()
      .meta({ description: 'When it was paused: no tick fires until it is resumed; null while it ticks' }),
    alerts: z
      .object({
        channels: z.array(uuid),
        failAfter: count,
        recoverAfter: count,
        degradedAfterMs: count.nullable(),
        cooldownMs: count,
      })
      .nullable()
      .meta({ description: 'Its alert rules, with defaults filled in; null: no alerts' }),
    mutedUntil: dateTime.nullable().meta({ description: 'Until when its alerts are muted; null: not muted' }),
    nextTickAt: dateTime.nullable().optional().meta({
      description:
        'When the next tick is due (from the queue; null while paused); on create, GET, pause and resume of one schedule',
    }),
  }),
);

export const schedulePageBody = responseBody('SchedulePage', page(scheduleBody));
