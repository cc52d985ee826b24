import { CallRate } from './socket-limits';

describe('CallRate', () => {
  it('allows the rate, answers over past it, abuse past twice it, and starts again each second', () => {
    let now = 10_000;
    const rate = new CallRate(2, () => now);
    expect([rate.take(), rate.take(), rate.take(), rate.take(), rate.take()]).toEqual([
      'ok',
      'ok',
      'over',
      'over',
      'abuse',
    ]);
    now += 1000;
    expect(rate.take()).toBe('ok');
  });
});
