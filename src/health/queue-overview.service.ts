import { Injectable } from '@nestjs/common';
import { QueueRegistry } from '../queues/queue-registry';

export interface QueueOverview {
  name: string;
  waiting: number;
  active: number;
  completed: number;
  failed: number;
  delayed: number;
  /** Worker connections attached to this queue (one per worker process). */
  workers: number;
}

/** Per-queue counts for detailed health and metrics. */
@Injectable()
export class QueueOverviewService {
  constructor(private readonly queues: QueueRegistry) {}

  async overview(): Promise<QueueOverview[]> {
    return Promise.all(
      this.queues.all().map(async ({ name, queue }) => {
        const [counts, workers] = await Promise.all([
          queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized'),
          queue.getWorkersCount(),
        ]);
        return {
          name,
          // Prioritized jobs are waiting too, just ordered.
          waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
          active: counts.active ?? 0,
          completed: counts.completed ?? 0,
          failed: counts.failed ?? 0,
          delayed: counts.delayed ?? 0,
          workers,
        };
      }),
    );
  }
}
