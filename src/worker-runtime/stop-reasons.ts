/**
 * Why a job's work was stopped: the abort reasons its signal carries. One set for every
 * executor, since the cancel listener, the shutdown and the executors must agree on them.
 */
export const STOP_REASONS = {
  /** The API's cancel message (worker.cancelJob), or a cancel found on the row when that message was lost. */
  cancel: 'cancelled',
  /** The work ran past its own time limit. */
  timeout: 'timed-out',
  /** The worker's shutdown ran out of time: the job is handed back to the queue. */
  shutdown: 'worker-shutdown',
} as const;

export type StopReason = (typeof STOP_REASONS)[keyof typeof STOP_REASONS];

const KNOWN: readonly unknown[] = Object.values(STOP_REASONS);

/** Which of the stop reasons `signal` was aborted for; undefined while it is not, or for an executor's own reason. */
export const stopReasonOf = (signal: AbortSignal): StopReason | undefined =>
  signal.aborted && KNOWN.includes(signal.reason) ? (signal.reason as StopReason) : undefined;
