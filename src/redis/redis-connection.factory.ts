import { Injectable } from '@nestjs/common';
import { Redis, RedisOptions } from 'ioredis';
import { AppConfig } from '../config/app-config.service';

/**
 * The one place Redis connections are described. BullMQ gets plain options (it opens and
 * owns its own connections); everything else asks `create()` for a named client.
 */
@Injectable()
export class RedisConnectionFactory {
  constructor(private readonly config: AppConfig) {}

  /** Options for BullMQ queues, workers and queue events: blocking commands need no retry cap. */
  bullOptions(purpose: string): { url: string; maxRetriesPerRequest: null; connectionName: string } {
    return { url: this.config.env.REDIS_URL, maxRetriesPerRequest: null, connectionName: this.name(purpose) };
  }

  /** A client for our own commands; fails fast instead of queueing commands while Redis is down. */
  create(purpose: string, extra: RedisOptions = {}): Redis {
    return new Redis(this.config.env.REDIS_URL, {
      connectionName: this.name(purpose),
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      retryStrategy: (times) => Math.min(times * 200, 2000),
      ...extra,
    });
  }

  private name(purpose: string): string {
    // CLIENT SETNAME allows no spaces.
    return `${this.config.workerName}:${purpose}`.replace(/\s+/g, '_');
  }
}
