import type { Logger } from '@nestjs/common';
import { type Job, UnrecoverableError } from 'bullmq';
import { type FaultRecord, settleFault } from './job-fault';
import { STOP_REASONS } from './stop-reasons';

/** A job on its `attempt`th attempt of `attempts`. */
const jobOn = (attempt: number, attempts: number) =>
  ({ attemptsMade: attempt - 1, opts: { attempts } }) as unknown as Job;

/** What the fault recorded: the log lines and the row updates, in order. */
const recorder = (withRetrying = true) => {
  const effects: unknown[][] = [];
  const logger = { warn: (...args: unknown[]) => effects.push(['warn', ...args]) } as unknown as Logger;
  const record: FaultRecord = {
    prefix: 'browser fault: ',
    logger,
    logFields: { runId: 'r1' },
    logMessage: 'Run hit a platform fault',
    ...(withRetrying && { retrying: (message: string) => Promise.resolve(effects.push(['retrying', message])) }),
    ended: (message: string) => Promise.resolve(effects.push(['ended', message])),
  };
  return { effects, record };
};

describe('settleFault', () => {
  const running = new AbortController().signal;

  it('records the message and rethrows the fault itself before the last attempt, for BullMQ to retry', async () => {
    const { effects, record } = recorder();
    const fault = new Error('Target closed');
    await expect(settleFault(jobOn(1, 3), running, fault, record)).rejects.toBe(fault);
    expect(effects).toEqual([
      ['warn', { runId: 'r1', lastAttempt: false, err: fault }, 'Run hit a platform fault'],
      ['retrying', 'browser fault: Target closed'],
    ]);
  });

  it('leaves the row as it is before the last attempt when the executor keeps nothing', async () => {
    const { effects, record } = recorder(false);
    const fault = new Error('connection reset');
    await expect(settleFault(jobOn(2, 3), running, fault, record)).rejects.toBe(fault);
    expect(effects.map(([what]) => what)).toEqual(['warn']);
  });

  it('ends the row and fails for good on the last attempt, the message cut to 4000 characters', async () => {
    const { effects, record } = recorder();
    const fault = new Error('x'.repeat(5000));
    const message = `browser fault: ${'x'.repeat(4000 - 'browser fault: '.length)}`;
    const thrown = await settleFault(jobOn(3, 3), running, fault, record).catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(UnrecoverableError);
    expect((thrown as Error).message).toBe(message);
    expect(effects).toEqual([
      ['warn', { runId: 'r1', lastAttempt: true, err: fault }, 'Run hit a platform fault'],
      ['ended', message],
    ]);
  });

  it('hands the fault up untouched at shutdown, even on the last attempt and after another stop', async () => {
    const { effects, record } = recorder();
    const fault = new Error('page closed');
    await expect(settleFault(jobOn(3, 3), AbortSignal.abort(STOP_REASONS.shutdown), fault, record)).rejects.toBe(fault);
    expect(effects).toEqual([]);
  });

  it('settles a fault after a cancel like any other: only the shutdown hands the job back', async () => {
    const { effects, record } = recorder();
    const fault = new Error('page closed');
    await expect(
      settleFault(jobOn(1, 1), AbortSignal.abort(STOP_REASONS.cancel), fault, record),
    ).rejects.toBeInstanceOf(UnrecoverableError);
    expect(effects.map(([what]) => what)).toEqual(['warn', 'ended']);
  });
});
