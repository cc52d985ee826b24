import { followAbort } from './follow-abort';
import { STOP_REASONS, stopReasonOf, type StopReason } from './stop-reasons';

/** How often running work looks in the database for a cancel whose Redis message was lost. */
export const CANCEL_CHECK_MS = 1000;

/**
 * The one stop of a job's work: follows the job's signal (the cancel message, the
 * shutdown), aborts itself at the work's time limit, and once a second asks the row
 * whether a cancel was asked that never arrived (the claim saw none, so checking from
 * here on catches one lost in the middle of a long step or page). The first reason wins.
 * `dispose` ends the timer, the check and the following; the signal keeps its reason.
 */
export class JobStop {
  private readonly controller = new AbortController();
  private readonly unfollow: () => void;
  private readonly timer: NodeJS.Timeout;
  private readonly cancelCheck: NodeJS.Timeout;

  constructor(
    jobSignal: AbortSignal,
    timeoutMs: number,
    cancelAsked: () => Promise<boolean>,
    checkEveryMs = CANCEL_CHECK_MS,
  ) {
    this.unfollow = followAbort(jobSignal, this.controller);
    this.timer = setTimeout(() => this.abort(STOP_REASONS.timeout), timeoutMs);
    this.cancelCheck = setInterval(() => {
      if (this.signal.aborted) return;
      // A failed look is not a fault of the work: the next one, a second later, may succeed.
      cancelAsked().then(
        (asked) => asked && this.abort(STOP_REASONS.cancel),
        () => undefined,
      );
    }, checkEveryMs);
  }

  /** What the work listens to. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The stop reason, once stopped for one of them (undefined for an executor's own reason). */
  get reason(): StopReason | undefined {
    return stopReasonOf(this.signal);
  }

  /** Stops the work for `reason` unless it is stopped already (the first reason is the one kept). */
  abort(reason: string): void {
    if (!this.signal.aborted) this.controller.abort(reason);
  }

  /** Stopped by the shutdown: throws, so the worker hands the job back instead of storing an end. */
  handBackIfShutdown(): void {
    if (this.reason === STOP_REASONS.shutdown) throw new Error('worker shutting down');
  }

  dispose(): void {
    clearTimeout(this.timer);
    clearInterval(this.cancelCheck);
    this.unfollow();
  }
}
