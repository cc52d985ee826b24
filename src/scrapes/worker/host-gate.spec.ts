import { HostGate } from './host-gate';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('HostGate', () => {
  it('keeps at most `concurrency` requests in flight per host', async () => {
    const gate = new HostGate();
    let inFlight = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        const release = await gate.acquire('h.test', { concurrency: 2, delayMs: 0 });
        inFlight++;
        peak = Math.max(peak, inFlight);
        await tick(10);
        inFlight--;
        release();
      }),
    );
    expect(peak).toBe(2);
  });

  it('spaces starts by the delay, and other hosts do not wait', async () => {
    const gate = new HostGate();
    const starts: number[] = [];
    const t0 = Date.now();
    await Promise.all(
      Array.from({ length: 3 }, async () => {
        const release = await gate.acquire('slow.test', { concurrency: 5, delayMs: 60 });
        starts.push(Date.now() - t0);
        release();
      }),
    );
    const other = Date.now();
    (await gate.acquire('other.test', { concurrency: 5, delayMs: 60 }))();
    expect(Date.now() - other).toBeLessThan(30);
    starts.sort((a, b) => a - b);
    expect(starts[1] - starts[0]).toBeGreaterThanOrEqual(55);
    expect(starts[2] - starts[1]).toBeGreaterThanOrEqual(55);
  });

  it('gives up waiting when aborted', async () => {
    const gate = new HostGate();
    const hold = await gate.acquire('h.test', { concurrency: 1, delayMs: 0 });
    const abort = new AbortController();
    const waiting = gate.acquire('h.test', { concurrency: 1, delayMs: 0 }, abort.signal);
    abort.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
    hold();
    (await gate.acquire('h.test', { concurrency: 1, delayMs: 0 }))();
  });
});
