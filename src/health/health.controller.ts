import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthIndicatorService } from '@nestjs/terminus';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/public.decorator';
import { CoreHealth } from './core-health.service';
import { QueueOverviewService } from './queue-overview.service';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly core: CoreHealth,
    private readonly queues: QueueOverviewService,
    private readonly indicators: HealthIndicatorService,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOkResponse({ description: 'PostgreSQL and Redis answer' })
  @ApiServiceUnavailableResponse({ description: 'One of them is down; the body names it' })
  check() {
    return this.core.check();
  }

  @Get('detailed')
  @HealthCheck()
  @ApiOkResponse({ description: 'Core checks plus per-queue counts and connected workers' })
  detailed() {
    return this.core.check([
      () =>
        this.indicators
          .check('queues')
          .attempt(async () => ({ queues: await this.queues.overview() }))
          .withTimeout(3000),
    ]);
  }
}
