import { CronExpressionParser } from 'cron-parser';
import { isObject } from '../common/body-checks';

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

/**
 * Why a cron pattern is refused, or null. Five fields (minute first) or six (second
 * first), as BullMQ's job schedulers read them; the pattern must also come round again.
 */
export function cronProblem(cron: string, timezone: string): string | null {
  const fields = cron.trim().split(/\s+/);
  if (fields.length < 5 || fields.length > 6) return `cron must have 5 fields (minute hour day month weekday) or 6 (seconds first), not ${fields.length}`;
  try {
    CronExpressionParser.parse(cron, { tz: timezone, strict: false }).next();
    return null;
  } catch (error) {
    return `cron is not a valid pattern: ${(error as Error).message}`;
  }
}

/** The schedule body, field by field: every problem named, the run or suite left to its own parser. */
export function parseScheduleRequest(body: unknown): { request?: ScheduleRequest; errors: string[] } {
  if (!isObject(body)) return { errors: ['the body must be a JSON object with name, cron and run (or suite)'] };
  const errors: string[] = [];
  for (const key of Object.keys(body)) if (!FIELDS.has(key)) errors.push(`${key} is not a schedule field (name, cron, timezone, run, suite)`);
  const { name, cron, timezone = 'UTC', run, suite } = body;
  if (typeof name !== 'string' || !name.trim() || name.length > 200) errors.push('name must be a non-empty string of at most 200 characters');
  if (typeof timezone !== 'string' || !isTimeZone(timezone)) errors.push('timezone must be an IANA time zone such as UTC or Europe/Paris');
  if (typeof cron !== 'string' || !cron.trim() || cron.length > 200) errors.push('cron must be a cron pattern such as "0 */15 * * * *"');
  else if (typeof timezone === 'string' && isTimeZone(timezone)) {
    const problem = cronProblem(cron, timezone);
    if (problem) errors.push(problem);
  }
  if (run !== undefined && suite !== undefined) errors.push('give either run or suite, not both');
  else if (suite !== undefined) {
    if (!isObject(suite)) errors.push('suite must be a suite (the body of POST /api/suites)');
  } else if (!isObject(run)) errors.push('run must be a run definition (the body of POST /api/runs), or give suite instead');
  if (errors.length) return { errors };
  const target = suite !== undefined ? { suite } : { run };
  return { request: { name: (name as string).trim(), cron: (cron as string).trim(), timezone: timezone as string, ...target }, errors };
}
