import { CronExpressionParser } from 'cron-parser';

/** How many ticks ahead a pattern is followed: a pattern's shortest gap shows within its first few bursts. */
export const TICKS_CHECKED = 50;
/** ...and over how long after its first tick: a rare pattern (Feb 29 on a Monday) costs a long search per tick. */
const HORIZON_MS = 366 * 24 * 3600 * 1000;
/** The most days each month can have (February: 29). */
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Each field of a six-field pattern (seconds first) and how many values it has; a five-field one starts at minute. */
const FIELDS = [
  { name: 'second', size: 60 },
  { name: 'minute', size: 60 },
  { name: 'hour', size: 24 },
  { name: 'day-of-month', size: 31 },
  { name: 'month', size: 12 },
  { name: 'day-of-week', size: 7 },
];

/** "90 s", "1 min", "2 h": an interval as a person reads it. */
export function describeInterval(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}

/**
 * A step larger than its field (`*\/99999999999` minutes) is not a schedule anyone means:
 * cron-parser reads it as the field's first value alone, so it fires far less often than
 * it says (and other parsers, no tick at all).
 */
function stepProblems(fields: string[]): string[] {
  const named = FIELDS.slice(FIELDS.length - fields.length);
  return fields.flatMap((field, i) =>
    field.split(',').flatMap((part) => {
      const step = /\/(\d+)$/.exec(part)?.[1];
      if (step === undefined || (Number(step) >= 1 && Number(step) <= named[i].size)) return [];
      return [`cron's ${named[i].name} field steps by ${step}: a step must be from 1 to ${named[i].size}`];
    }),
  );
}

/**
 * Why a cron pattern is refused (every reason), or none. Five fields (minute first) or six
 * (second first), as BullMQ's job schedulers read them, with the same parser. The next
 * TICKS_CHECKED ticks are followed: the pattern must fire (Feb 30 never does), keep firing,
 * and never twice within `minIntervalMs`.
 */
export function cronProblems(cron: string, timezone: string, minIntervalMs: number, now = new Date()): string[] {
  const fields = cron.trim().split(/\s+/);
  if (fields.length < 5 || fields.length > 6)
    return [`cron must have 5 fields (minute hour day month weekday) or 6 (seconds first), not ${fields.length}`];
  const steps = stepProblems(fields);
  if (steps.length) return steps;
  let ticks: number[];
  try {
    const interval = CronExpressionParser.parse(cron, { tz: timezone, strict: false, currentDate: now });
    // Days no listed month has (31 in February and April): cron-parser would search for a
    // second before giving up, so this is answered without searching.
    const { dayOfMonth, dayOfWeek, month } = interval.fields;
    const days = (dayOfMonth.values as unknown[]).filter((day): day is number => typeof day === 'number');
    if (
      !dayOfMonth.isWildcard &&
      dayOfWeek.isWildcard &&
      days.length === dayOfMonth.values.length &&
      days.every((day) => month.values.every((m) => day > MONTH_DAYS[Number(m) - 1]))
    ) {
      return [`cron never fires: no month it names has day ${days.join(' or ')}`];
    }
    ticks = [interval.next().getTime()];
    try {
      while (ticks.length < TICKS_CHECKED && ticks.at(-1)! - ticks[0] < HORIZON_MS)
        ticks.push(interval.next().getTime());
    } catch (error) {
      return [
        `cron stops firing after ${ticks.length} ticks (${new Date(ticks.at(-1)!).toISOString()}): ${(error as Error).message}`,
      ];
    }
  } catch (error) {
    const message = (error as Error).message;
    // cron-parser's words for a pattern no date matches (Feb 30, Apr 31).
    if (/day of month|loop limit/i.test(message)) return [`cron never fires: no date matches it (${message})`];
    return [`cron is not a valid pattern: ${message}`];
  }
  for (let i = 1; i < ticks.length; i++) {
    const gap = ticks[i] - ticks[i - 1];
    if (gap < minIntervalMs) {
      return [
        `cron fires ${describeInterval(gap)} apart (${new Date(ticks[i - 1]).toISOString()} then ${new Date(ticks[i]).toISOString()}): ` +
          `a schedule may fire at most once every ${describeInterval(minIntervalMs)}`,
      ];
    }
  }
  return [];
}
