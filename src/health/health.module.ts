import { Module } from '@nestjs/common';
import { HealthCoreModule } from './health-core.module';
import { HealthController } from './health.controller';
import { QueueOverviewService } from './queue-overview.service';

/** API side: /api/health and /api/health/detailed. */
@Module({
  imports: [HealthCoreModule],
  controllers: [HealthController],
  providers: [QueueOverviewService],
  exports: [QueueOverviewService],
})
export class HealthModule {}
