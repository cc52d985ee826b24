import { cronProblems, describeInterval } from './cron-check';

const now = new Date('2026-03-01T12:00:00Z');
const check = (cron: string, minIntervalMs = 60_000, timezone = 'UTC') =>
  cronProblems(cron, timezone, minIntervalMs, now);

describe('cronProblems', () => {
  it.each([
    ['0 3 * * *'],
    ['30 7 * * 1-5'],
    ['* * * * *'],
    ['0 0 29 2 *'],
    ['0 0 L * *'],
    ['0 */15 * * * *'],
    ['0,1 * * * *'],
    ['0 0 1 1 *'],
    ['0 0 * 2 1#5'],
    ['0 0 30 2,4 *'],
  ])('accepts %s', (cron) => expect(check(cron)).toEqual([]));

  it.each([
    ['*/99999999999 * * * *', "cron's minute field steps by 99999999999: a step must be from 1 to 60"],
    ['0 */25 * * *', "cron's hour field steps by 25: a step must be from 1 to 24"],
    ['0 0 1 */0 *', "cron's month field steps by 0"],
    ['0 0 30 2 *', 'cron never fires: no date matches it'],
    ['0 0 31 2,4 *', 'cron never fires: no month it names has day 31'],
    ['0 0 30,31 2 *', 'cron never fires'],
    ['0 0 31 2,4,6,9,11 *', 'cron never fires: no month it names has day 31'],
    ['* * * * * *', 'cron fires 1 s apart'],
    ['*/30 * * * * *', 'cron fires 30 s apart'],
    ['0,30 0 0 1 1 *', 'cron fires 30 s apart'],
    ['61 * * * *', 'cron is not a valid pattern'],
  ])('refuses %s', (cron, message) => expect(check(cron).join('\n')).toContain(message));

  it('finds a short gap that only comes after the first tick (not only the first two ticks)', () => {
    // 12:00 then 12:59, 13:00: the first gap is 59 min, the second 1 min.
    expect(check('0,59 * * * *', 120_000)).toEqual([
      expect.stringContaining('cron fires 1 min apart (2026-03-01T12:59:00.000Z then 2026-03-01T13:00:00.000Z)'),
    ]);
  });

  it('lets the minimum be lowered to one second', () => {
    expect(check('* * * * * *', 1000)).toEqual([]);
  });

  it('says intervals as people read them', () => {
    expect([
      describeInterval(1000),
      describeInterval(90_000),
      describeInterval(60_000),
      describeInterval(7_200_000),
    ]).toEqual(['1 s', '90 s', '1 min', '2 h']);
  });
});
