import { Logger } from '@nestjs/common';
import { OUTAGE_REMINDER_MS, OutageLog } from './outage-log';

describe('OutageLog', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
  let lines: Array<[string, string]>;

  beforeEach(() => {
    lines = [];
    for (const level of ['log', 'warn', 'error'] as const) {
      jest
        .spyOn(Logger.prototype, level)
        .mockImplementation((...args: unknown[]) => void lines.push([level, String(args[1])]));
    }
  });
  afterEach(() => jest.restoreAllMocks());

  it('says an outage once, reminds once per interval however many retries fail, and says when it is back', () => {
    const log = new OutageLog();
    for (let t = 0; t <= 2 * OUTAGE_REMINDER_MS; t += 200) log.lost('redis', refused, t);
    log.back('redis', 2 * OUTAGE_REMINDER_MS + 100);
    expect(lines).toEqual([
      ['error', 'Redis unavailable: connect ECONNREFUSED 127.0.0.1:6379'],
      ['warn', 'Redis still unavailable after 30 s: connect ECONNREFUSED 127.0.0.1:6379'],
      ['warn', 'Redis still unavailable after 60 s: connect ECONNREFUSED 127.0.0.1:6379'],
      ['log', 'Redis is back after 60 s'],
    ]);
  });

  it('takes the stragglers just after "back" for the same outage, and a later failure for a new one', () => {
    const log = new OutageLog();
    log.lost('redis', refused, 0);
    log.back('redis', 5000);
    log.lost('redis', refused, 6000);
    expect(log.isDown('redis')).toBe(false);
    log.lost('redis', refused, 60_000);
    expect(lines.map(([, message]) => message)).toEqual([
      'Redis unavailable: connect ECONNREFUSED 127.0.0.1:6379',
      'Redis is back after 5 s',
      'Redis unavailable: connect ECONNREFUSED 127.0.0.1:6379',
    ]);
  });

  it('logs a fault that is not an outage as itself, with its error', () => {
    const log = new OutageLog();
    log.fault(new Logger('x'), new TypeError('x is undefined'), 'Heartbeat failed');
    log.fault(new Logger('x'), refused, 'Heartbeat failed');
    expect(lines).toEqual([
      ['error', 'Heartbeat failed'],
      ['error', 'Redis unavailable: connect ECONNREFUSED 127.0.0.1:6379'],
    ]);
  });
});
