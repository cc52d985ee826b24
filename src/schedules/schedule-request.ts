import { isObject } from '../validation/body-checks';
import { cronProblems } from './cron-check';

export interface ScheduleRequest {
  name: string;
  cron: string;
  timezone: string;
  /** What each tick queues: a run or a suite (exactly one), checked by their own validation, which knows the egress rule. */
  run?: unknown;
  suite?: unknown;
}

const FIELDS = new Set(['name', 'cron', 'timezone', 'run', 'suite']);

/** An IANA zone name that this Node knows ("Europe/Paris", "UTC"). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** What a schedule's ticks queue: its run or its suite, as given (each is checked by its own parser). */
export type ScheduleTarget = { run: unknown; suite?: undefined } | { suite: unknown; run?: undefined };

/**
 * The schedule body, field by field: every problem named. The run or suite is left to its
 * own parser, and handed back as `target` whenever one object was given, even beside other
 * problems, so that the caller reports its problems too.
 */
export function parseScheduleRequest(
  body: unknown,
  rules: { minIntervalMs: number },
): { request?: ScheduleRequest; target?: ScheduleTarget; errors: string[] } {
  if (!isObject(body)) return { errors: ['the body must be a JSON object with name, cron and run (or suite)'] };
  const errors: string[] = [];
  for (const key of Object.keys(body))
    if (!FIELDS.has(key)) errors.push(`${key} is not a schedule field (name, cron, timezone, run, suite)`);
  const { name, cron, timezone = 'UTC', run, suite } = body;
  if (typeof name !== 'string' || !name.trim() || name.length > 200)
    errors.push('name must be a non-empty string of at most 200 characters');
  if (typeof timezone !== 'string' || !isTimeZone(timezone))
    errors.push('timezone must be an IANA time zone such as UTC or Europe/Paris');
  if (typeof cron !== 'string' || !cron.trim() || cron.length > 200)
    errors.push('cron must be a cron pattern such as "0 */15 * * * *"');
  // In the given zone: daylight saving time can bring two ticks closer.
  else
    errors.push(
      ...cronProblems(
        cron,
        typeof timezone === 'string' && isTimeZone(timezone) ? timezone : 'UTC',
        rules.minIntervalMs,
      ),
    );
  let target: ScheduleTarget | undefined;
  if (run !== undefined && suite !== undefined) errors.push('give either run or suite, not both');
  else if (suite !== undefined) {
    if (!isObject(suite)) errors.push('suite must be a suite (the body of POST /api/suites)');
    else target = { suite };
  } else if (!isObject(run))
    errors.push('run must be a run definition (the body of POST /api/runs), or give suite instead');
  else target = { run };
  if (errors.length) return { target, errors };
  return {
    request: { name: (name as string).trim(), cron: (cron as string).trim(), timezone: timezone as string, ...target! },
    target,
    errors,
  };
}
