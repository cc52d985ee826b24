import { z } from 'zod';
import type { Env } from '../config/env.schema';
import { isObject } from '../validation/body-checks';
import { checkRequest } from '../validation/parse-request';
import { closedObject, schemaForLimits } from '../validation/request-fields';
import { cronProblems } from './cron-check';
import { type ScheduleAlerts, scheduleAlertsSchema } from './schedule-alerts';

export interface ScheduleRequest {
  name: string;
  cron: string;
  timezone: string;
  /** What each tick queues: a run or a suite (exactly one), checked by their own validation, which knows the egress rule. */
  run?: unknown;
  suite?: unknown;
  alerts?: ScheduleAlerts;
}

/** An IANA zone name that this Node knows ("Europe/Paris", "UTC"). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** How often a schedule may tick, from the configuration. */
export const scheduleRules = (env: Pick<Env, 'SCHEDULE_MIN_INTERVAL_MS'>) => ({
  minIntervalMs: env.SCHEDULE_MIN_INTERVAL_MS,
});

/** What a schedule's ticks queue: its run or its suite, as given (each is checked by its own parser). */
export type ScheduleTarget = { run: unknown; suite?: undefined } | { suite: unknown; run?: undefined };

/** The run or suite a body names, or what is wrong with that choice (and of which field). */
function targetOf(body: { run?: unknown; suite?: unknown }): { target?: ScheduleTarget; problem?: [string[], string] } {
  const { run, suite } = body;
  if (run !== undefined && suite !== undefined) return { problem: [[], 'give either run or suite, not both'] };
  if (suite !== undefined)
    return isObject(suite)
      ? { target: { suite } }
      : { problem: [['suite'], 'must be a suite (the body of POST /api/suites)'] };
  return isObject(run)
    ? { target: { run } }
    : { problem: [['run'], 'must be a run definition (the body of POST /api/runs), or give suite instead'] };
}

const NAME = 'must be a non-empty string of at most 200 characters';
const CRON = 'must be a cron pattern such as "0 */15 * * * *"';
const ZONE = 'must be an IANA time zone such as UTC or Europe/Paris';
const text = (message: string) =>
  z.string({ error: message }).refine((value) => value.trim() !== '' && value.length <= 200, { error: message });

/**
 * The schedule body, field by field. The pattern is followed in its zone (daylight saving
 * time can bring two ticks closer); the run or suite is left to its own parser.
 */
export const scheduleRequestSchema = schemaForLimits(({ minIntervalMs }: { minIntervalMs: number }) =>
  closedObject(
    {
      name: text(NAME).meta({ example: 'checkout smoke test' }),
      timezone: z
        .string({ error: ZONE })
        .refine(isTimeZone, { error: ZONE })
        .optional()
        .meta({ description: 'IANA time zone the pattern is read in (default UTC)', example: 'Europe/Paris' }),
      cron: text(CRON).meta({
        description: 'cron: 5 fields (minute first) or 6 (seconds first)',
        example: '30 7 * * 1-5',
      }),
      run: z.unknown().optional().meta({
        $ref: '#/components/schemas/TriggerRunInput',
        description: 'A run definition, the same as the body of POST /api/runs (give run or suite)',
      }),
      suite: z.unknown().optional().meta({
        $ref: '#/components/schemas/TriggerSuiteInput',
        description: 'A suite, the same as the body of POST /api/suites (give run or suite)',
      }),
      alerts: scheduleAlertsSchema.optional(),
    },
    'is not a schedule field (name, cron, timezone, run, suite, alerts)',
    'the body must be a JSON object with name, cron and run (or suite)',
  )
    .superRefine(
      ({ cron, timezone }, ctx) => {
        if (typeof cron !== 'string' || !cron.trim() || cron.length > 200) return;
        const zone = typeof timezone === 'string' && isTimeZone(timezone) ? timezone : 'UTC';
        // The pattern's problems name the field themselves ("cron's minute field …").
        for (const message of cronProblems(cron, zone, minIntervalMs)) ctx.addIssue({ code: 'custom', message });
      },
      { when: (payload) => isObject(payload.value) },
    )
    .superRefine(
      (body, ctx) => {
        const { problem } = targetOf(body);
        if (problem) ctx.addIssue({ code: 'custom', path: problem[0], message: problem[1] });
      },
      { when: (payload) => isObject(payload.value) },
    )
    .transform(({ name, cron, timezone, run, suite, alerts }): ScheduleRequest => ({
      name: name.trim(),
      cron: cron.trim(),
      timezone: timezone ?? 'UTC',
      ...targetOf({ run, suite }).target,
      ...(alerts ? { alerts } : {}),
    }))
    .meta({ description: 'A cron pattern and the run (or suite) each tick queues' }),
);

/**
 * The schedule body, field by field: every problem named. The run or suite is left to its
 * own parser, and handed back as `target` whenever one object was given, even beside other
 * problems, so that the caller reports its problems too.
 */
export function parseScheduleRequest(
  body: unknown,
  rules: { minIntervalMs: number },
): { request?: ScheduleRequest; target?: ScheduleTarget; errors: string[] } {
  const { data, errors } = checkRequest(scheduleRequestSchema(rules), body);
  const { target } = isObject(body) ? targetOf(body) : {};
  return { request: data, target, errors };
}
