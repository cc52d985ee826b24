import { Injectable, Logger } from '@nestjs/common';
import { Redis, RedisOptions } from 'ioredis';
import { outageLog } from '../outages/outage-log';
import { AppConfig } from '../config/app-config.service';

/** Reconnect quickly (at most every 2 s) for as long as Redis is away: a restart is a few seconds. */
export const redisRetryStrategy = (times: number) => Math.min(times * 200, 2000);

/** BullMQ's connection options; `blocking` ones (workers, queue events) must keep commands while reconnecting. */
export interface BullConnectionOptions {
  url: string;
  connectionName: string;
  maxRetriesPerRequest: number | null;
  enableOfflineQueue: boolean;
  retryStrategy: (times: number) => number;
}

/**
 * The one place Redis connections are described. BullMQ gets plain options (it opens and
 * owns its own connections; their errors reach the outage log through its classes, see
 * observed-bullmq.ts); everything else asks `create()` for a named client.
 */
@Injectable()
export class RedisConnectionFactory {
  private readonly logger = new Logger('Redis');

  constructor(private readonly config: AppConfig) {}

  /** Options for BullMQ workers and queue events: blocking commands need no retry cap. */
  bullOptions(purpose: string): BullConnectionOptions {
    return {
      url: this.config.env.REDIS_URL,
      maxRetriesPerRequest: null,
      enableOfflineQueue: true,
      retryStrategy: redisRetryStrategy,
      connectionName: this.name(purpose),
    };
  }

  /**
   * Options for connections that only add jobs (the API's queues and flow producer): a
   * command fails at once while Redis is away, and one caught by a dropped connection
   * fails after one retry, so a request gets its 503 instead of waiting for Redis.
   */
  producerOptions(purpose: string): BullConnectionOptions {
    return { ...this.bullOptions(purpose), maxRetriesPerRequest: 1, enableOfflineQueue: false };
  }

  /** A client for our own commands; fails fast instead of queueing commands while Redis is down. */
  create(purpose: string, extra: RedisOptions = {}): Redis {
    const client = new Redis(this.config.env.REDIS_URL, {
      connectionName: this.name(purpose),
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      retryStrategy: redisRetryStrategy,
      ...extra,
    });
    // Without a listener ioredis prints every reconnect failure outside the JSON log.
    client.on('error', (err: unknown) => outageLog.fault(this.logger, err, 'Redis client error', { client: purpose }));
    client.on('ready', () => outageLog.back('redis'));
    return client;
  }

  private name(purpose: string): string {
    // CLIENT SETNAME allows no spaces.
    return `${this.config.workerName}:${purpose}`.replace(/\s+/g, '_');
  }
}
