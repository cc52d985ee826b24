import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { MetricsService } from './metrics.service';

export type JobOutcome = 'completed' | 'failed' | 'requeued' | 'deferred';

/**
 * The worker's job families. Provided by the worker runtime only: the API runs no jobs, and
 * a family it declared would be exported with no samples (a scrape target that can never
 * have a value is noise, and Prometheus linters flag it).
 */
@Injectable()
export class JobMetrics {
  private readonly finished: Counter<'queue' | 'outcome'>;
  private readonly duration: Histogram<'queue' | 'outcome'>;

  constructor(metrics: MetricsService) {
    this.finished = new Counter({
      name: 'stevedore_jobs_finished_total',
      help: 'Jobs this worker finished, by queue and outcome (completed, failed, requeued, deferred: put off until a suite has room)',
      labelNames: ['queue', 'outcome'] as const,
      registers: [metrics.registry],
    });
    this.duration = new Histogram({
      name: 'stevedore_job_duration_seconds',
      help: 'Time from a job starting on this worker to its end, by queue and outcome',
      labelNames: ['queue', 'outcome'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
      registers: [metrics.registry],
    });
  }

  /** One job ended on this worker after `seconds`. */
  jobEnded(queue: string, outcome: JobOutcome, seconds: number): void {
    this.finished.inc({ queue, outcome });
    this.duration.observe({ queue, outcome }, seconds);
  }
}
