import { Injectable, OnModuleInit } from '@nestjs/common';
import { QueueOverview, QueueOverviewService } from '../health/queue-overview.service';
import { MetricsService } from './metrics.service';

const STATES = ['waiting', 'active', 'completed', 'failed', 'delayed'] as const;
/** Both gauges are collected in one scrape: they share one read of the queues. */
const SHARED_READ_MS = 1000;

/** API side: queue depths and worker counts, read from Redis when Prometheus scrapes. */
@Injectable()
export class QueueMetrics implements OnModuleInit {
  private lastRead?: { at: number; result: Promise<QueueOverview[]> };

  constructor(
    private readonly metrics: MetricsService,
    private readonly overview: QueueOverviewService,
  ) {}

  onModuleInit(): void {
    this.metrics.gaugeFromSource('stevedore_queue_jobs', 'Jobs in each queue by state', ['queue', 'state'], async () =>
      (await this.read()).flatMap((q) =>
        STATES.map((state) => ({ labels: { queue: q.name, state }, value: q[state] })),
      ),
    );
    this.metrics.gaugeFromSource(
      'stevedore_queue_workers',
      'Worker processes attached to each queue',
      ['queue'],
      async () => (await this.read()).map((q) => ({ labels: { queue: q.name }, value: q.workers })),
    );
  }

  private read(): Promise<QueueOverview[]> {
    if (!this.lastRead || Date.now() - this.lastRead.at > SHARED_READ_MS) {
      this.lastRead = { at: Date.now(), result: this.overview.overview() };
    }
    return this.lastRead.result;
  }
}
