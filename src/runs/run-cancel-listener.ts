import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AppConfig } from '../config/app-config.service';
import { RedisConnectionFactory } from '../redis/redis-connection.factory';
import { runCancelChannel } from './run-cancel-bus';
import { CANCEL_REASON } from './run-executor';
import { RunsProcessor } from './runs.processor';

/**
 * BullMQ can abort a job only inside the process that runs it, so every worker listens
 * for the API's cancel messages and aborts the run if it is one of its own.
 */
@Injectable()
export class RunCancelListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RunCancelListener.name);
  private subscriber?: Redis;

  constructor(
    private readonly redis: RedisConnectionFactory,
    private readonly config: AppConfig,
    private readonly processor: RunsProcessor,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Subscriber mode needs its own connection, which queues commands until it is ready.
    this.subscriber = this.redis.create('run-cancel', { enableOfflineQueue: true, maxRetriesPerRequest: null });
    this.subscriber.on('message', (_channel: string, runId: string) => {
      if (this.processor.worker.cancelJob(runId, CANCEL_REASON)) this.logger.log({ runId }, 'Cancelling a running run');
    });
    await this.subscriber.subscribe(runCancelChannel(this.config.env.QUEUE_PREFIX));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }
}
