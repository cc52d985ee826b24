import { Injectable } from '@nestjs/common';
import { FairQueues } from '../queues/fair/fair-queues';
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
  constructor(
    private readonly queues: QueueRegistry,
    private readonly fair: FairQueues,
  ) {}

  async overview(): Promise<QueueOverview[]> {
    return Promise.all(
      this.queues.all().map(async ({ name, queue }) => {
        const [counts, workers, inLine] = await Promise.all([
          queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized'),
          queue.getWorkersCount(),
          this.fair.of(name)?.waiting() ?? 0,
        ]);
        return {
          name,
          // Prioritized jobs are waiting too, just ordered; so are those in line in the fair layer
          // (src/queues/fair), not yet handed to BullMQ: what scales workers must see them.
          waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0) + inLine,
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
