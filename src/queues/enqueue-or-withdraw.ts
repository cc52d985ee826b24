import { HttpException, Logger } from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';
import { DependencyUnavailableException, isDependencyOutage } from '../outages/dependency-outage';
import { outageLog } from '../outages/outage-log';

const logger = new Logger('Enqueue');

/**
 * How long a request waits for Redis to take its job. The API's queue connections fail
 * at once while disconnected; this bounds the rest (a connection that hangs, or one still
 * being set up). An add that lands after the deadline finds its row withdrawn: the worker
 * ends such a job unrun ("does not exist"), so nothing is sent or run.
 */
export const ENQUEUE_DEADLINE_MS = 3000;

function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error(`Redis did not answer within ${ms} ms`), { code: 'ETIMEDOUT' })),
      ms,
    );
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Queues what was just stored, or removes it: nothing is accepted that is not queued.
 * `enqueue` adds the job(s) (job id = row id, so adding twice is harmless); if it fails,
 * `withdraw` removes (or restores) the rows and the caller gets a 503 with Retry-After.
 * Every write path that stores a row before queueing goes through here.
 */
export async function queueOrWithdraw(
  what: string,
  id: string,
  enqueue: () => Promise<unknown>,
  withdraw: () => Promise<unknown>,
): Promise<void> {
  try {
    await within(enqueue(), ENQUEUE_DEADLINE_MS);
  } catch (error) {
    if (isDependencyOutage(error)) outageLog.lost('redis', error);
    else if (!(error instanceof HttpException))
      logger.error({ err: error, what, id }, 'Could not queue a job; withdrawing what was stored');
    await withdraw().catch((err: unknown) => logger.error({ err, what, id }, 'Could not withdraw an unqueued row'));
    // A refusal with its own answer (a 409 from a job in the wrong state) keeps it.
    if (error instanceof HttpException) throw error;
    throw new DependencyUnavailableException('The queue is unavailable; nothing was stored. Try again shortly.');
  }
}

/** queueOrWithdraw for one job on one queue. */
export function enqueueOrWithdraw<T>(
  queue: Queue<T>,
  name: string,
  data: T,
  opts: JobsOptions & { jobId: string },
  withdraw: () => Promise<unknown>,
): Promise<void> {
  return queueOrWithdraw(
    `${queue.name} job`,
    opts.jobId,
    () => queue.add(name as never, data as never, opts),
    withdraw,
  );
}
