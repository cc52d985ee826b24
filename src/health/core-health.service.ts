import { Inject, Injectable } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { Redis } from 'ioredis';
import { REDIS } from '../redis/redis.module';

const CHECK_TIMEOUT_MS = 2000;

/** The checks both processes answer with: PostgreSQL and Redis, each bounded in time. */
@Injectable()
export class CoreHealth {
  constructor(
    private readonly health: HealthCheckService,
    private readonly typeorm: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  readonly database = () => this.typeorm.pingCheck('database', { timeout: CHECK_TIMEOUT_MS });

  readonly redisPing = () =>
    this.indicators
      .check('redis')
      .attempt(async () => {
        await this.redis.ping();
      })
      .withTimeout(CHECK_TIMEOUT_MS);

  /** Runs the core checks plus any extra; 503 with the failing part named when one is down. */
  check(extra: Parameters<HealthCheckService['check']>[0] = []) {
    return this.health.check([this.database, this.redisPing, ...extra]);
  }
}
