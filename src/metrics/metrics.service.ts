import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { AppConfig } from '../config/app-config.service';

/** One Prometheus registry per process, labelled with the process's role. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly jobsFinished = new Counter({
    name: 'stevedore_jobs_finished_total',
    help: 'Jobs this worker finished, by queue and outcome (completed, failed, requeued, deferred: put off until a suite has room)',
    labelNames: ['queue', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly jobDuration = new Histogram({
    name: 'stevedore_job_duration_seconds',
    help: 'Time from a job starting on this worker to its end, by queue and outcome',
    labelNames: ['queue', 'outcome'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
    registers: [this.registry],
  });

  constructor(config: AppConfig) {
    this.registry.setDefaultLabels({ role: config.role });
    collectDefaultMetrics({ register: this.registry, prefix: 'stevedore_' });
  }

  /** A gauge whose values are read at scrape time (queue depths live in Redis, not here). */
  gaugeFromSource(name: string, help: string, labelNames: string[], read: () => Promise<Array<{ labels: Record<string, string>; value: number }>>): void {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const { labels, value } of await read()) this.set(labels, value);
      },
    });
  }
}
