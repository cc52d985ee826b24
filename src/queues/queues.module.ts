import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.service';
import { observeBullmq } from '../redis/observed-bullmq';
import { RedisConnectionFactory } from '../redis/redis-connection.factory';
import { bullTelemetry } from '../tracing/job-trace';
import { DEFAULT_JOB_OPTIONS } from './default-job-options';
import { FairQueues } from './fair/fair-queues';
import { FLOW_PRODUCER } from './flow-producer';
import { JobCatalogue } from './job-catalogue';
import { QueueRegistry } from './queue-registry';

// Before registerQueue below builds anything: every queue, worker and flow producer reports its errors.
observeBullmq();

/**
 * The queues, declared once for both processes: the API adds jobs to them, the worker's
 * processors attach to them. Same connection settings, prefix and default job options.
 * One queue per job kind of the catalogue it is given (src/job-catalogue.ts), which it
 * provides to whatever works across queues.
 */
@Global()
@Module({})
export class QueuesModule {
  static forRoot(catalogue: JobCatalogue): DynamicModule {
    return {
      module: QueuesModule,
      imports: [
        BullModule.forRootAsync({
          inject: [AppConfig, RedisConnectionFactory],
          useFactory: (config: AppConfig, redis: RedisConnectionFactory) => ({
            // The API only adds jobs: commands issued by concurrent requests in the same tick
            // go out in one write, and fail at once while Redis is away (a 503, not a wait).
            // Never on a worker (its blocking reads would hold the batch, and need the offline queue).
            connection: config.isWorker
              ? redis.bullOptions('bullmq')
              : redis.producerOptions('bullmq', { enableAutoPipelining: true }),
            prefix: config.env.QUEUE_PREFIX,
            defaultJobOptions: DEFAULT_JOB_OPTIONS,
            // Queues, workers and the flow producer carry the trace context in each job (tracing on only).
            telemetry: bullTelemetry(),
          }),
        }),
        BullModule.registerQueue(...catalogue.queueNames.map((name) => ({ name }))),
        // close() already ends its connection. The forced disconnect after it first awaits the
        // client, which never resolves if Redis has not answered since the start: SIGTERM then
        // hung until the last-resort exit (exit 1, SHUTDOWN_TIMEOUT_MS + 15 s later).
        BullModule.registerFlowProducer({ name: FLOW_PRODUCER, forceDisconnectOnShutdown: false }),
      ],
      providers: [{ provide: JobCatalogue, useValue: catalogue }, QueueRegistry, FairQueues],
      exports: [BullModule, JobCatalogue, QueueRegistry, FairQueues],
    };
  }
}
