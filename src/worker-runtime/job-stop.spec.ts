import { setTimeout as sleep } from 'node:timers/promises';
import { JobStop } from './job-stop';
import { STOP_REASONS, stopReasonOf } from './stop-reasons';

/** Long enough that it never fires during a test that is about something else. */
const NEVER_MS = 60_000;
const noCancel = () => Promise.resolve(false);

describe('stop reasons', () => {
  it('names only the known reasons of an aborted signal', () => {
    const running = new AbortController();
    expect(stopReasonOf(running.signal)).toBeUndefined();
    for (const reason of Object.values(STOP_REASONS)) expect(stopReasonOf(AbortSignal.abort(reason))).toBe(reason);
    expect(stopReasonOf(AbortSignal.abort('fault'))).toBeUndefined();
  });
});

describe('JobStop', () => {
  const stops: JobStop[] = [];
  const start = (...args: ConstructorParameters<typeof JobStop>) => {
    const stop = new JobStop(...args);
    stops.push(stop);
    return stop;
  };
  afterEach(() => stops.splice(0).forEach((stop) => stop.dispose()));

  it('runs until something stops it', async () => {
    const stop = start(new AbortController().signal, NEVER_MS, noCancel, 5);
    await sleep(30);
    expect(stop.signal.aborted).toBe(false);
    expect(stop.reason).toBeUndefined();
    expect(() => stop.handBackIfShutdown()).not.toThrow();
  });

  it('follows the cancel message on the job signal', () => {
    const job = new AbortController();
    const stop = start(job.signal, NEVER_MS, noCancel);
    job.abort(STOP_REASONS.cancel);
    expect(stop.reason).toBe(STOP_REASONS.cancel);
    expect(() => stop.handBackIfShutdown()).not.toThrow();
  });

  it('is stopped at once when the job signal aborted before it started, and hands a shutdown back', () => {
    const stop = start(AbortSignal.abort(STOP_REASONS.shutdown), NEVER_MS, noCancel);
    expect(stop.reason).toBe(STOP_REASONS.shutdown);
    expect(() => stop.handBackIfShutdown()).toThrow('worker shutting down');
  });

  it('times out after its time limit', async () => {
    const stop = start(new AbortController().signal, 20, noCancel);
    expect(stop.signal.aborted).toBe(false);
    await sleep(60);
    expect(stop.reason).toBe(STOP_REASONS.timeout);
  });

  it('finds a cancel whose message was lost, and stops asking once stopped', async () => {
    let asked = 0;
    const stop = start(new AbortController().signal, NEVER_MS, () => Promise.resolve(++asked >= 2), 10);
    await sleep(80);
    expect(stop.reason).toBe(STOP_REASONS.cancel);
    const askedWhenStopped = asked;
    await sleep(50);
    expect(asked).toBe(askedWhenStopped);
  });

  it('keeps asking after a look at the row fails', async () => {
    let asked = 0;
    const stop = start(
      new AbortController().signal,
      NEVER_MS,
      () => (++asked === 1 ? Promise.reject(new Error('database away')) : Promise.resolve(true)),
      10,
    );
    await sleep(80);
    expect(asked).toBeGreaterThanOrEqual(2);
    expect(stop.reason).toBe(STOP_REASONS.cancel);
  });

  it('keeps the first reason: a shutdown after a timeout leaves it timed out', async () => {
    const job = new AbortController();
    const stop = start(job.signal, 10, noCancel);
    await sleep(40);
    job.abort(STOP_REASONS.shutdown);
    expect(stop.reason).toBe(STOP_REASONS.timeout);
    expect(() => stop.handBackIfShutdown()).not.toThrow();
  });

  it('keeps an executor’s own reason, which is none of the stop reasons', async () => {
    const stop = start(new AbortController().signal, 10, () => Promise.resolve(true), 5);
    stop.abort('fault');
    await sleep(40);
    expect(stop.signal.reason).toBe('fault');
    expect(stop.reason).toBeUndefined();
  });

  it('after dispose: no timeout, no look at the row, no following the job', async () => {
    const job = new AbortController();
    let asked = 0;
    const stop = start(job.signal, 20, () => Promise.resolve(++asked > 100), 5);
    stop.dispose();
    await sleep(60);
    job.abort(STOP_REASONS.cancel);
    expect(asked).toBe(0);
    expect(stop.signal.aborted).toBe(false);
  });

  it('keeps its reason after dispose', () => {
    const job = new AbortController();
    const stop = start(job.signal, NEVER_MS, noCancel);
    job.abort(STOP_REASONS.cancel);
    stop.dispose();
    expect(stop.reason).toBe(STOP_REASONS.cancel);
  });
});
