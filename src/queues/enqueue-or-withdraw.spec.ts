import { ConflictException, Logger } from '@nestjs/common';
import { DependencyUnavailableException } from '../outages/dependency-outage';
import { ENQUEUE_DEADLINE_MS, queueOrWithdraw } from './enqueue-or-withdraw';

describe('queueOrWithdraw', () => {
  beforeEach(() => {
    for (const level of ['log', 'warn', 'error'] as const)
      jest.spyOn(Logger.prototype, level).mockImplementation(() => undefined);
  });
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('keeps what was stored when the job is queued', async () => {
    const withdraw = jest.fn(() => Promise.resolve());
    await queueOrWithdraw('run', 'r1', () => Promise.resolve(), withdraw);
    expect(withdraw).not.toHaveBeenCalled();
  });

  it('withdraws and answers 503 with Retry-After when Redis refuses', async () => {
    const withdraw = jest.fn(() => Promise.resolve());
    const refusal = queueOrWithdraw(
      'email',
      'e1',
      () => Promise.reject(new Error("Stream isn't writeable and enableOfflineQueue options is false")),
      withdraw,
    );
    await expect(refusal).rejects.toBeInstanceOf(DependencyUnavailableException);
    await expect(refusal).rejects.toMatchObject({ retryAfterSeconds: 5 });
    expect(withdraw).toHaveBeenCalledTimes(1);
  });

  it('withdraws and answers 503 when Redis does not answer in time', async () => {
    jest.useFakeTimers();
    const withdraw = jest.fn(() => Promise.resolve());
    const refusal = queueOrWithdraw('email', 'e2', () => new Promise(() => undefined), withdraw);
    const settled = expect(refusal).rejects.toBeInstanceOf(DependencyUnavailableException);
    await jest.advanceTimersByTimeAsync(ENQUEUE_DEADLINE_MS);
    await settled;
    expect(withdraw).toHaveBeenCalledTimes(1);
  });

  it('keeps a refusal that has its own answer (409), after withdrawing', async () => {
    const withdraw = jest.fn(() => Promise.resolve());
    await expect(
      queueOrWithdraw(
        'dead letter',
        'd1',
        () => Promise.reject(new ConflictException('Job is active, not failed')),
        withdraw,
      ),
    ).rejects.toBeInstanceOf(ConflictException);
    expect(withdraw).toHaveBeenCalledTimes(1);
  });
});
