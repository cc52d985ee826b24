import { Module } from '@nestjs/common';
import { HealthCoreModule } from './health-core.module';
import { HealthController } from './health.controller';
import { QueueOverviewService } from './queue-overview.service';
import { QueuesResolver } from './queues.resolver';

/** API side: /api/health, /api/health/detailed and the GraphQL `queues` query. */
@Module({
  imports: [HealthCoreModule],
  controllers: [HealthController],
  providers: [QueueOverviewService, QueuesResolver],
  exports: [QueueOverviewService],
})
export class HealthModule {}
