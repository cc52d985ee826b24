import { Logger } from '@nestjs/common';
import { isDependencyOutage, outageSource } from './dependency-outage';

export type Dependency = 'redis' | 'database';

/** While a dependency stays away, one reminder per this interval (not one line per failed retry). */
export const OUTAGE_REMINDER_MS = 30_000;
/** Connections come back one by one: failures this soon after "back" are the stragglers, not a new outage. */
const SETTLE_MS = 10_000;
const LABEL: Record<Dependency, string> = { redis: 'Redis', database: 'PostgreSQL' };

interface Outage {
  since: number;
  lastLine: number;
  failures: number;
}

/** The error's own words, short, on one line (connection errors name the address, never a password). */
const causeOf = (error: unknown): string => {
  const e = error as { message?: string; code?: string } | undefined;
  const text = (e?.message || e?.code || String(error)).replace(/\s+/g, ' ');
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
};

/**
 * What an outage looks like in the log: one line when a dependency goes away, a reminder
 * every OUTAGE_REMINDER_MS while it stays away, one line when it is back. Every client,
 * queue and worker reports its connection errors here instead of logging each retry
 * (a Redis restart otherwise writes thousands of lines from six queues' reconnects).
 */
export class OutageLog {
  private readonly logger = new Logger('Outage');
  private readonly outages = new Map<Dependency, Outage>();
  private readonly backAt = new Map<Dependency, number>();

  /** A connection failure of `dependency`. */
  lost(dependency: Dependency, error: unknown, now = Date.now()): void {
    const outage = this.outages.get(dependency);
    if (outage) {
      outage.failures++;
      if (now - outage.lastLine < OUTAGE_REMINDER_MS) return;
      outage.lastLine = now;
      const seconds = Math.round((now - outage.since) / 1000);
      this.logger.warn(
        { dependency, cause: causeOf(error), downSeconds: seconds, failures: outage.failures },
        `${LABEL[dependency]} still unavailable after ${seconds} s: ${causeOf(error)}`,
      );
      return;
    }
    if (now - (this.backAt.get(dependency) ?? -Infinity) < SETTLE_MS) return;
    this.outages.set(dependency, { since: now, lastLine: now, failures: 1 });
    this.logger.error({ dependency, cause: causeOf(error) }, `${LABEL[dependency]} unavailable: ${causeOf(error)}`);
  }

  /** A connection of `dependency` is ready again. */
  back(dependency: Dependency, now = Date.now()): void {
    const outage = this.outages.get(dependency);
    if (!outage) return;
    this.outages.delete(dependency);
    this.backAt.set(dependency, now);
    const seconds = Math.round((now - outage.since) / 1000);
    this.logger.log(
      { dependency, downSeconds: seconds, failures: outage.failures },
      `${LABEL[dependency]} is back after ${seconds} s`,
    );
  }

  isDown(dependency: Dependency): boolean {
    return this.outages.has(dependency);
  }

  /**
   * The one way to log a fault that may be an outage: a connection failure goes to the
   * outage lines above; anything else is a real fault, logged with its stack.
   */
  fault(
    logger: Logger,
    error: unknown,
    message: string,
    context: Record<string, unknown> = {},
    level: 'warn' | 'error' = 'error',
  ): void {
    if (isDependencyOutage(error)) this.lost(outageSource(error), error);
    else logger[level]({ ...context, err: error }, message);
  }
}

/** One per process: every part of it reports to the same outage state. */
export const outageLog = new OutageLog();
