import { sleep } from './abortable-sleep';

interface HostState {
  active: number;
  /** When the next request to this host may start (politeness delay). */
  nextStart: number;
  waiters: Array<() => void>;
}

export interface HostLimits {
  concurrency: number;
  delayMs: number;
}

/**
 * Politeness per host across every scrape in this worker process: at most `concurrency`
 * requests in flight to one host, and starts at least `delayMs` apart. A scrape's own
 * concurrency applies on top; two crawls of one host share its limit.
 */
export class HostGate {
  private readonly hosts = new Map<string, HostState>();

  /** Waits for a turn; resolves to the release function. Rejects if `signal` aborts first. */
  async acquire(host: string, limits: HostLimits, signal?: AbortSignal): Promise<() => void> {
    const state = this.stateOf(host);
    while (state.active >= limits.concurrency) {
      await new Promise<void>((resolve, reject) => {
        const wake = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = () => {
          state.waiters.splice(state.waiters.indexOf(wake), 1);
          reject(signal!.reason as Error);
        };
        if (signal?.aborted) return reject(signal.reason as Error);
        signal?.addEventListener('abort', onAbort, { once: true });
        state.waiters.push(wake);
      });
    }
    state.active++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      state.active--;
      state.waiters.shift()?.();
      if (state.active === 0 && state.waiters.length === 0 && state.nextStart <= Date.now()) this.hosts.delete(host);
    };
    const now = Date.now();
    const wait = Math.max(0, state.nextStart - now);
    state.nextStart = Math.max(now, state.nextStart) + limits.delayMs;
    if (wait > 0) {
      try {
        await sleep(wait, signal);
      } catch (error) {
        release();
        throw error;
      }
    }
    return release;
  }

  private stateOf(host: string): HostState {
    let state = this.hosts.get(host);
    if (!state) {
      state = { active: 0, nextStart: 0, waiters: [] };
      this.hosts.set(host, state);
    }
    return state;
  }
}
