import { Field, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { QueueOverview, QueueOverviewService } from './queue-overview.service';

@ObjectType('QueueCounts', {
  description: 'One BullMQ queue now: its jobs by state and the workers attached (as GET /api/health/detailed)',
})
class QueueCountsModel implements QueueOverview {
  @Field({ description: 'The queue: test-runs, scrapes, emails, schedules, suites or webhooks' }) name: string;
  @Field(() => Int, { description: 'Jobs waiting for a worker (prioritised ones included)' }) waiting: number;
  @Field(() => Int, { description: 'Jobs a worker is on now' }) active: number;
  @Field(() => Int, { description: 'Finished jobs Redis still keeps' }) completed: number;
  @Field(() => Int, { description: 'Failed jobs Redis still keeps' }) failed: number;
  @Field(() => Int, { description: 'Jobs waiting for their time (retries with backoff, delayed starts)' })
  delayed: number;
  @Field(() => Int, { description: 'Worker connections attached to the queue (one per worker process)' })
  workers: number;
}

/** The `queues` query PRODUCT.md lists: the per-queue counts of detailed health. */
@Resolver()
export class QueuesResolver {
  constructor(private readonly overview: QueueOverviewService) {}

  @Query(() => [QueueCountsModel], { description: 'Every queue with its job counts and attached workers' })
  queues(): Promise<QueueOverview[]> {
    return this.overview.overview();
  }
}
