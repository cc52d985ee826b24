import { Injectable, OnModuleInit } from '@nestjs/common';
import { QueueOverviewService } from '../health/queue-overview.service';
import { MetricsService } from './metrics.service';

const STATES = ['waiting', 'active', 'completed', 'failed', 'delayed'] as const;

/** API side: queue depths and worker counts, read from Redis when Prometheus scrapes. */
@Injectable()
export class QueueMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly overview: QueueOverviewService,
  ) {}

  onModuleInit(): void {
    this.metrics.gaugeFromSource('stevedore_queue_jobs', 'Jobs in each queue by state', ['queue', 'state'], async () =>
      (await this.overview.overview()).flatMap((q) => STATES.map((state) => ({ labels: { queue: q.name, state }, value: q[state] }))),
    );
    this.metrics.gaugeFromSource('stevedore_queue_workers', 'Worker processes attached to each queue', ['queue'], async () =>
      (await this.overview.overview()).map((q) => ({ labels: { queue: q.name }, value: q.workers })),
    );
  }
}
