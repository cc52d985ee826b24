import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthIndicatorService } from '@nestjs/terminus';
import { Public } from '../auth/public.decorator';
import { CoreHealth } from '../health/core-health.service';
import { MemoryGuard } from './memory-guard';
import { WorkerActivity } from './worker-activity.service';
import { WorkerLifecycle } from './worker-lifecycle.service';

/** The worker's own /api/health: PostgreSQL, Redis, and what this worker is doing. */
@Public()
@Controller('health')
export class WorkerHealthController {
  constructor(
    private readonly core: CoreHealth,
    private readonly indicators: HealthIndicatorService,
    private readonly activity: WorkerActivity,
    private readonly lifecycle: WorkerLifecycle,
    private readonly memory: MemoryGuard,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.core.check([
      () =>
        this.indicators.check('worker').up({
          ...this.activity.snapshot(),
          queues: this.lifecycle.workers().map((w) => w.name),
          memory: this.memory.state(),
        }),
    ]);
  }
}
