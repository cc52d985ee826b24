import { cronProblem, isTimeZone, parseScheduleRequest } from './schedule-request';

describe('parseScheduleRequest', () => {
  const run = { steps: [{ action: 'goto', url: 'https://example.com' }] };

  it('accepts a schedule and defaults the zone to UTC', () => {
    expect(parseScheduleRequest({ name: ' nightly ', cron: '0 3 * * *', run })).toEqual({ request: { name: 'nightly', cron: '0 3 * * *', timezone: 'UTC', run }, errors: [] });
  });

  it.each([
    [null, 'the body must be a JSON object with name, cron and run (or suite)'],
    [{ cron: '* * * * *', run }, 'name must be a non-empty string of at most 200 characters'],
    [{ name: 'x', run }, 'cron must be a cron pattern such as "0 */15 * * * *"'],
    [{ name: 'x', cron: '* * *', run }, 'cron must have 5 fields (minute hour day month weekday) or 6 (seconds first), not 3'],
    [{ name: 'x', cron: '61 * * * *', run }, 'cron is not a valid pattern'],
    [{ name: 'x', cron: '* * * * *', timezone: 'Mars/Olympus', run }, 'timezone must be an IANA time zone such as UTC or Europe/Paris'],
    [{ name: 'x', cron: '* * * * *' }, 'run must be a run definition (the body of POST /api/runs), or give suite instead'],
    [{ name: 'x', cron: '* * * * *', run, suite: { name: 's', tests: [run] } }, 'give either run or suite, not both'],
    [{ name: 'x', cron: '* * * * *', suite: [run] }, 'suite must be a suite (the body of POST /api/suites)'],
    [{ name: 'x', cron: '* * * * *', run, every: 5 }, 'every is not a schedule field (name, cron, timezone, run, suite)'],
  ])('refuses %j', (body, message) => {
    const { request, errors } = parseScheduleRequest(body);
    expect(request).toBeUndefined();
    expect(errors.join('\n')).toContain(message);
  });

  it('takes a suite instead of a run', () => {
    const suite = { name: 'smoke', tests: [run] };
    expect(parseScheduleRequest({ name: 'nightly', cron: '0 3 * * *', suite }).request).toEqual({ name: 'nightly', cron: '0 3 * * *', timezone: 'UTC', suite });
  });

  it('reads six fields as seconds first', () => {
    expect(cronProblem('*/5 * * * * *', 'UTC')).toBeNull();
    expect(isTimeZone('Europe/Paris')).toBe(true);
  });
});
