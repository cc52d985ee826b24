import { z } from 'zod';

/** A schedule's alert rules: who hears of an incident, and when one opens and resolves. */
export interface ScheduleAlerts {
  /** Alert channels of the schedule's project (POST /api/alert-channels). */
  channels: string[];
  /** Consecutive failing runs (failed, error, timed_out) that open an incident. */
  failAfter: number;
  /** Consecutive passing runs that resolve it. */
  recoverAfter: number;
  /** A passing run slower than this counts towards a `degraded` incident; null: none. */
  degradedAfterMs: number | null;
  /**
   * How long a recovery must hold before it is announced: a failure within it keeps the
   * incident open without a word, so a flapping check gives one incident, not a storm.
   */
  cooldownMs: number;
}

export const ALERT_DEFAULTS = { failAfter: 1, recoverAfter: 1, cooldownMs: 60_000 } as const;
export const MAX_ALERT_CHANNELS = 10;

const whole = (min: number, max: number) => {
  const message = `must be a whole number from ${min} to ${max}`;
  return z.number({ error: message }).int({ error: message }).min(min, { error: message }).max(max, { error: message });
};

/** The `alerts` field of a schedule's body. */
export const scheduleAlertsSchema = z
  .strictObject(
    {
      channels: z
        .array(z.uuid({ error: 'must be alert channel ids (UUIDs)' }), { error: 'must be a list of alert channel ids' })
        .min(1, 'must name at least one alert channel')
        .max(MAX_ALERT_CHANNELS, `may name at most ${MAX_ALERT_CHANNELS} alert channels`)
        .meta({ description: 'Alert channel ids of the project (POST /api/alert-channels)' }),
      failAfter: whole(1, 100)
        .optional()
        .meta({ description: 'Consecutive failing runs (failed, error, timed_out) that open an incident (default 1)' }),
      recoverAfter: whole(1, 100)
        .optional()
        .meta({ description: 'Consecutive passing runs that resolve it (default 1)' }),
      degradedAfterMs: whole(1, 86_400_000).nullable().optional().meta({
        description: 'A passing run slower than this opens a `degraded` incident (after failAfter such runs)',
      }),
      cooldownMs: whole(0, 86_400_000).optional().meta({
        description:
          'How long a recovery must hold before it is announced (default 60000): a failure within it keeps the incident open silently, so a flapping check sends at most one alert and one recovery per cool-down',
      }),
    },
    { error: 'must be an object with channels (and optionally failAfter, recoverAfter, degradedAfterMs, cooldownMs)' },
  )
  .transform((alerts): ScheduleAlerts => ({
    channels: [...new Set(alerts.channels.map((id) => id.toLowerCase()))],
    failAfter: alerts.failAfter ?? ALERT_DEFAULTS.failAfter,
    recoverAfter: alerts.recoverAfter ?? ALERT_DEFAULTS.recoverAfter,
    degradedAfterMs: alerts.degradedAfterMs ?? null,
    cooldownMs: alerts.cooldownMs ?? ALERT_DEFAULTS.cooldownMs,
  }))
  .meta({ description: 'Alert rules: incidents open and resolve by these, and each change is sent to the channels' });

/**
 * Whether the alert channels a schedule names are its project's, asked before it is stored.
 * Schedules declare it and never import monitors; monitors provide it (as secrets provide
 * SECRETS_CHECK). Without it, no channel is known.
 */
export interface AlertChannelsCheck {
  /** The ids of `ids` that are not alert channels of `projectId`, in the order given. */
  missing(ids: string[], projectId: string): Promise<string[]>;
}

export const ALERT_CHANNELS_CHECK = Symbol('ALERT_CHANNELS_CHECK');

export const NO_ALERT_CHANNELS: AlertChannelsCheck = { missing: (ids) => Promise.resolve(ids) };
