import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.service';
import { RedisConnectionFactory } from '../redis/redis-connection.factory';
import { DEFAULT_JOB_OPTIONS } from './default-job-options';
import { FLOW_PRODUCER, QUEUE_NAMES } from './queue-names';
import { QueueRegistry } from './queue-registry';

/**
 * The queues, declared once for both processes: the API adds jobs to them, the worker's
 * processors attach to them. Same connection settings, prefix and default job options.
 */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [AppConfig, RedisConnectionFactory],
      useFactory: (config: AppConfig, redis: RedisConnectionFactory) => ({
        // The API only adds jobs: commands issued by concurrent requests in the same tick
        // go out in one write. Never on a worker (its blocking reads would hold the batch).
        connection: { ...redis.bullOptions('bullmq'), enableAutoPipelining: !config.isWorker },
        prefix: config.env.QUEUE_PREFIX,
        defaultJobOptions: DEFAULT_JOB_OPTIONS,
      }),
    }),
    BullModule.registerQueue(...QUEUE_NAMES.map((name) => ({ name }))),
    BullModule.registerFlowProducer({ name: FLOW_PRODUCER }),
  ],
  providers: [QueueRegistry],
  exports: [BullModule, QueueRegistry],
})
export class QueuesModule {}
