import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { HealthCoreModule } from '../health/health-core.module';
import { JobMetrics } from '../metrics/job-metrics';
import { DRAIN_BEFORE_SHUTDOWN } from '../shutdown/drain-before-shutdown';
import { FairDispatcher } from './fair-dispatcher';
import { MemoryGuard } from './memory-guard';
import { RowEndedHooks } from './row-ended-hooks';
import { WorkerActivity } from './worker-activity.service';
import { WorkerHealthController } from './worker-health.controller';
import { WorkerLifecycle } from './worker-lifecycle.service';

/** Worker side infrastructure: job tracking, start and drain, the memory guard, the health port, the fair layer's worker side, and the hooks run when the reconciler ends a row. */
@Global()
@Module({
  imports: [DiscoveryModule, HealthCoreModule],
  controllers: [WorkerHealthController],
  providers: [
    WorkerActivity,
    WorkerLifecycle,
    FairDispatcher,
    MemoryGuard,
    JobMetrics,
    RowEndedHooks,
    { provide: DRAIN_BEFORE_SHUTDOWN, useExisting: WorkerLifecycle },
  ],
  exports: [WorkerActivity, WorkerLifecycle, RowEndedHooks, DRAIN_BEFORE_SHUTDOWN],
})
export class WorkerRuntimeModule {}
