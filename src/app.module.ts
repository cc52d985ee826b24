import { DynamicModule, Module, Type } from '@nestjs/common';
import { AuthModule } from './auth/auth.module';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { EmailsWorkerModule } from './emails/emails-worker.module';
import { EmailsModule } from './emails/emails.module';
import { EventsModule } from './events/events.module';
import { GraphqlModule } from './graphql/graphql.module';
import { HealthModule } from './health/health.module';
import { LifecycleModule } from './lifecycle/lifecycle.module';
import { LoggingModule } from './logging/logging.module';
import { MailModule } from './mail/mail.module';
import { MetricsModule } from './metrics/metrics.module';
import { QueueMetrics } from './metrics/queue-metrics';
import { QueuesModule } from './queues/queues.module';
import { RedisModule } from './redis/redis.module';
import { RunsWorkerModule } from './runs/runs-worker.module';
import { RunsModule } from './runs/runs.module';
import { ScrapesWorkerModule } from './scrapes/scrapes-worker.module';
import { ScrapesModule } from './scrapes/scrapes.module';
import { UsersModule } from './users/users.module';
import { WorkerRuntimeModule } from './worker/worker-runtime.module';
import { WorkersModule } from './workers/workers.module';

/** What both processes load: config, logging, database, Redis, queues, mail, metrics. */
const common = () => [ConfigModule.forRoot(), LoggingModule, DatabaseModule, RedisModule, QueuesModule, MailModule, MetricsModule, LifecycleModule];

/** Feature modules by side. Each feature adds its API module and its worker module here. */
const API_FEATURES: Type[] = [GraphqlModule, EmailsModule, UsersModule, RunsModule, ScrapesModule];
const WORKER_FEATURES: Type[] = [EmailsWorkerModule, RunsWorkerModule, ScrapesWorkerModule];

@Module({})
export class AppModule {
  /** The API: REST, GraphQL, queue producers, Bull Board. No processors. */
  static main(): DynamicModule {
    return {
      module: AppModule,
      imports: [...common(), AuthModule, HealthModule, WorkersModule, EventsModule, ...API_FEATURES],
      providers: [QueueMetrics],
    };
  }

  /** The worker: processors plus its health and metrics port. No controllers of the API. */
  static worker(extraModules: Array<Type | DynamicModule> = []): DynamicModule {
    return {
      module: AppModule,
      imports: [...common(), WorkerRuntimeModule, ...WORKER_FEATURES, ...extraModules],
    };
  }
}
