import { isTimeZone, parseScheduleRequest } from './schedule-request';

const rules = { minIntervalMs: 60_000 };

describe('parseScheduleRequest', () => {
  const run = { steps: [{ action: 'goto', url: 'https://example.com' }] };

  it('accepts a schedule and defaults the zone to UTC', () => {
    expect(parseScheduleRequest({ name: ' nightly ', cron: '0 3 * * *', run }, rules)).toEqual({
      request: { name: 'nightly', cron: '0 3 * * *', timezone: 'UTC', run },
      target: { run },
      errors: [],
    });
  });

  it.each([
    [null, 'the body must be a JSON object with name, cron and run (or suite)'],
    [{ cron: '* * * * *', run }, 'name must be a non-empty string of at most 200 characters'],
    [{ name: 'x', run }, 'cron must be a cron pattern such as "0 */15 * * * *"'],
    [
      { name: 'x', cron: '* * *', run },
      'cron must have 5 fields (minute hour day month weekday) or 6 (seconds first), not 3',
    ],
    [{ name: 'x', cron: '61 * * * *', run }, 'cron is not a valid pattern'],
    [
      { name: 'x', cron: '* * * * *', timezone: 'Mars/Olympus', run },
      'timezone must be an IANA time zone such as UTC or Europe/Paris',
    ],
    [
      { name: 'x', cron: '* * * * *' },
      'run must be a run definition (the body of POST /api/runs), or give suite instead',
    ],
    [{ name: 'x', cron: '* * * * *', run, suite: { name: 's', tests: [run] } }, 'give either run or suite, not both'],
    [{ name: 'x', cron: '* * * * *', suite: [run] }, 'suite must be a suite (the body of POST /api/suites)'],
    [
      { name: 'x', cron: '* * * * *', run, every: 5 },
      'every is not a schedule field (name, cron, timezone, run, suite, alerts)',
    ],
    [{ name: 'x', cron: '*/10 * * * * *', run }, 'cron fires 10 s apart'],
    [{ name: 'x', cron: '0 0 30 2 *', run }, 'cron never fires'],
  ])('refuses %j', (body, message) => {
    const { request, errors } = parseScheduleRequest(body, rules);
    expect(request).toBeUndefined();
    expect(errors.join('\n')).toContain(message);
  });

  it('names every problem of the body at once, and still hands back the run for its own check', () => {
    const { errors, target } = parseScheduleRequest(
      { name: '', cron: '*/99999999999 * * * *', timezone: 'Mars/Olympus', run, color: 'red' },
      rules,
    );
    expect(errors).toEqual([
      'color is not a schedule field (name, cron, timezone, run, suite, alerts)',
      'name must be a non-empty string of at most 200 characters',
      'timezone must be an IANA time zone such as UTC or Europe/Paris',
      "cron's minute field steps by 99999999999: a step must be from 1 to 60",
    ]);
    expect(target).toEqual({ run });
  });

  it('takes a suite instead of a run', () => {
    const suite = { name: 'smoke', tests: [run] };
    expect(parseScheduleRequest({ name: 'nightly', cron: '0 3 * * *', suite }, rules).request).toEqual({
      name: 'nightly',
      cron: '0 3 * * *',
      timezone: 'UTC',
      suite,
    });
  });

  it('reads six fields as seconds first, allowed when the minimum interval allows it', () => {
    expect(parseScheduleRequest({ name: 'x', cron: '*/5 * * * * *', run }, { minIntervalMs: 1000 }).errors).toEqual([]);
    expect(isTimeZone('Europe/Paris')).toBe(true);
  });
});
