import type { Logger } from '@nestjs/common';
import { type Job, UnrecoverableError } from 'bullmq';
import { isLastAttempt } from './last-attempt';
import { STOP_REASONS } from './stop-reasons';

/** How one executor records a fault of its work: its words, its log line and its row's updates. */
export interface FaultRecord {
  /** Put before the error's own message on the row: 'browser fault: ', 'platform fault: '. */
  prefix: string;
  logger: Logger;
  /** The row's id under the executor's own key, logged with the fault. */
  logFields: Record<string, unknown>;
  logMessage: string;
  /** Keeps the message on a row whose job BullMQ retries; without it the row is left as it is. */
  retrying?: (message: string) => Promise<unknown>;
  /** Stores the row's end state: no retry follows, so it must not stay `running`. */
  ended: (message: string) => Promise<unknown>;
}

/** The longest error message a row keeps. */
const MAX_MESSAGE = 4000;

/**
 * A fault (database, Redis, a browser that died) ends the attempt. At shutdown it goes
 * up as it is, for the worker to hand the job back; before the last attempt it is
 * recorded and rethrown so BullMQ retries the job; on the last the row gets its end
 * state and the job fails for good (UnrecoverableError).
 */
export async function settleFault(
  job: Job,
  jobSignal: AbortSignal,
  fault: unknown,
  record: FaultRecord,
): Promise<never> {
  // The job's own signal, not the work's stop: the worker hands the job back whenever the
  // shutdown aborted it, even when a timeout or cancel had stopped the work before.
  if (jobSignal.aborted && jobSignal.reason === STOP_REASONS.shutdown) throw fault;
  const lastAttempt = isLastAttempt(job);
  const message = `${record.prefix}${(fault as Error).message}`.slice(0, MAX_MESSAGE);
  record.logger.warn({ ...record.logFields, lastAttempt, err: fault }, record.logMessage);
  if (!lastAttempt) {
    await record.retrying?.(message);
    throw fault;
  }
  await record.ended(message);
  throw new UnrecoverableError(message);
}
