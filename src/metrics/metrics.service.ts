import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { AppConfig } from '../config/app-config.service';

export const METRIC_PREFIX = 'stevedore_';

/**
 * prom-client's default collectors export these gauges named `_total`, which Prometheus
 * reserves for counters (`promtool check metrics` flags them). Each is the sum of the
 * per-type gauge without the suffix (`sum(stevedore_nodejs_active_handles)`), so they are
 * dropped rather than renamed: nothing is lost.
 */
const REDUNDANT_TOTAL_GAUGES = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/**
 * One Prometheus registry per process, labelled with the process's role. Only what both
 * roles sample lives here; each role adds its own families (QueueMetrics on the API,
 * JobMetrics on a worker), so neither exports a family it never fills.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  constructor(config: AppConfig) {
    this.registry.setDefaultLabels({ role: config.role });
    collectDefaultMetrics({ register: this.registry, prefix: METRIC_PREFIX });
    for (const name of REDUNDANT_TOTAL_GAUGES) this.registry.removeSingleMetric(METRIC_PREFIX + name);
  }

  /** A gauge whose values are read at scrape time (queue depths live in Redis, not here). */
  gaugeFromSource(
    name: string,
    help: string,
    labelNames: string[],
    read: () => Promise<Array<{ labels: Record<string, string>; value: number }>>,
  ): void {
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
