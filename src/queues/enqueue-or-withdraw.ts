import { Logger, ServiceUnavailableException } from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';

const logger = new Logger('Enqueue');

/**
 * Adds a job for a row already stored (job id = row id, so adding twice is harmless). If
 * the queue cannot take it, `withdraw` removes what was stored and the caller answers 503:
 * nothing is accepted that is not queued.
 */
export async function enqueueOrWithdraw<T>(
  queue: Queue<T>,
  name: string,
  data: T,
  opts: JobsOptions & { jobId: string },
  withdraw: () => Promise<unknown>,
): Promise<void> {
  try {
    await queue.add(name as never, data as never, opts);
  } catch (error) {
    logger.error({ err: error, queue: queue.name, jobId: opts.jobId }, 'Could not queue a job; withdrawing what was stored');
    await withdraw().catch((err: unknown) => logger.error({ err, queue: queue.name, jobId: opts.jobId }, 'Could not withdraw an unqueued row'));
    throw new ServiceUnavailableException('The queue is unavailable; nothing was stored. Try again.');
  }
}
