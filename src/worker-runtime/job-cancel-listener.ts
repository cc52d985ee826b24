import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { closeRedis } from '../redis/close-redis';
import type { RedisConnectionFactory } from '../redis/redis-connection.factory';

/**
 * BullMQ can abort a job only inside the process that runs it, so every worker listens
 * for the API's cancel messages (the job id) and aborts the job if it is one of its own.
 */
export abstract class JobCancelListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(this.constructor.name);
  private subscriber?: Redis;

  protected constructor(
    private readonly redis: RedisConnectionFactory,
    private readonly channel: string,
    private readonly worker: () => Worker,
    private readonly reason: string,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Subscriber mode needs its own connection, which queues commands until it is ready.
    this.subscriber = this.redis.create(`cancel:${this.channel}`, {
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
    });
    this.subscriber.on('message', (_channel: string, jobId: string) => {
      if (this.worker().cancelJob(jobId, this.reason)) this.logger.log({ jobId }, 'Cancelling a job this worker holds');
    });
    await this.subscriber.subscribe(this.channel);
  }

  async onApplicationShutdown(): Promise<void> {
    await closeRedis(this.subscriber);
  }
}
