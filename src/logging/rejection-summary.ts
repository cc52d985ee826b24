import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Counter } from 'prom-client';
import { AppConfig } from '../config/app-config.service';
import { MetricsService } from '../metrics/metrics.service';

/** Why a request was refused before any work: `capacity` is a 429 from the run caps. */
export type RejectionReason = 'capacity';

/** At most one summary line per reason per this interval. */
export const REJECTION_SUMMARY_MS = 10_000;

/**
 * Refusals that come in floods (a client hammering a full queue gets thousands of 429s a
 * second) are counted in `stevedore_http_rejected_total{reason}` and summarised in one
 * log line per interval, instead of one line per request: the request log leaves 429s
 * out (logging.module.ts).
 */
@Injectable()
export class RejectionSummary implements OnApplicationShutdown {
  private readonly logger = new Logger('Rejections');
  private readonly counter: Counter<'reason'>;
  private readonly pending = new Map<RejectionReason, number>();
  private timer?: NodeJS.Timeout;

  constructor(metrics: MetricsService, config: AppConfig) {
    this.counter = new Counter({
      name: 'stevedore_http_rejected_total',
      help: 'Requests refused before any work was done, by reason (capacity: 429 at QUEUED_CAPACITY)',
      labelNames: ['reason'],
      // Only the API answers requests: a worker exports no empty family for it.
      registers: config.isWorker ? [] : [metrics.registry],
    });
    // A sample from the start: a rate over the counter works before the first refusal.
    this.counter.inc({ reason: 'capacity' }, 0);
  }

  refused(reason: RejectionReason): void {
    this.counter.inc({ reason });
    this.pending.set(reason, (this.pending.get(reason) ?? 0) + 1);
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), REJECTION_SUMMARY_MS);
      this.timer.unref();
    }
  }

  onApplicationShutdown(): void {
    clearTimeout(this.timer);
    this.flush();
  }

  private flush(): void {
    this.timer = undefined;
    for (const [reason, count] of this.pending) {
      this.logger.log(
        { reason, refused: count, intervalSeconds: REJECTION_SUMMARY_MS / 1000 },
        `${count} requests refused for ${reason} in the last ${REJECTION_SUMMARY_MS / 1000} s`,
      );
    }
    this.pending.clear();
  }
}
