import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AppConfig } from '../config/app-config.service';
import { REDIS } from '../redis/redis.module';
import { scanKeys } from '../redis/scan-keys';
import { workerHeartbeatKey, WorkerSnapshot } from '../queues/worker-heartbeat';

/** Live workers, as their heartbeats in Redis describe them (a dead worker's key expires). */
@Injectable()
export class WorkersService {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  async list(): Promise<WorkerSnapshot[]> {
    const keys = await scanKeys(this.redis, workerHeartbeatKey(this.config.env.QUEUE_PREFIX), 200);
    if (keys.length === 0) return [];
    const values = await this.redis.mget(keys);
    return values
      .filter((v): v is string => v !== null)
      .map((v) => JSON.parse(v) as WorkerSnapshot)
      .sort((a, b) => a.name.localeCompare(b.name));
  }
}
