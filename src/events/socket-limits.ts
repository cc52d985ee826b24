/**
 * What one socket.io connection on /events may do. Over the rate, `subscribe` answers 429
 * in its ack; a client that keeps going (twice the rate within one second) is disconnected.
 * The README's live-events section lists them.
 */
export const SOCKET_LIMITS = {
  /** Live subscriptions on one connection. */
  maxSubscriptions: 100,
  /** `subscribe` calls per second on one connection. */
  subscribesPerSecond: 20,
} as const;

/** Counts a connection's calls in one-second windows. */
export class CallRate {
  private windowStart = 0;
  private calls = 0;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts a call: 'ok' within the rate, 'over' past it, 'abuse' past twice it. */
  take(): 'ok' | 'over' | 'abuse' {
    const now = this.now();
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.calls = 0;
    }
    this.calls += 1;
    if (this.calls <= this.perSecond) return 'ok';
    return this.calls > 2 * this.perSecond ? 'abuse' : 'over';
  }
}
