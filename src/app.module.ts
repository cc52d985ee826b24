import { DynamicModule, Module, Type } from '@nestjs/common';
import { ArtifactsModule } from './artifacts/artifacts.module';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { EgressModule } from './egress/egress.module';
import { JOB_CATALOGUE, JOB_KINDS } from './job-catalogue';
import { LoggingModule } from './logging/logging.module';
import { MailModule } from './mail/mail.module';
import { MetricsModule } from './metrics/metrics.module';
import { JobCatalogue } from './queues/job-catalogue';
import type { JobKind } from './queues/job-kind';
import { QueuesModule } from './queues/queues.module';
import { RedisModule } from './redis/redis.module';
import { ShutdownModule } from './shutdown/shutdown.module';
import type * as ApiSide from './api-side';
import type * as WorkerSide from './worker-side';

/** What both processes load: config, logging, database, Redis, queues (one per job kind), mail, metrics. */
const common = (catalogue: JobCatalogue) => [
  ConfigModule.forRoot(),
  LoggingModule,
  DatabaseModule,
  RedisModule,
  EgressModule,
  QueuesModule.forRoot(catalogue),
  MailModule,
  ArtifactsModule,
  MetricsModule,
  ShutdownModule,
];

/**
 * The two module graphs. Each side's modules are imported only when that side boots
 * (api-side.ts, worker-side.ts): a feature adds its API module and its worker module there.
 */
@Module({})
export class AppModule {
  /** The API: REST, GraphQL, WebSocket, queue producers, Bull Board. No processors. */
  static main(): DynamicModule {
    // require, not import(): resolved beside this file whether it runs built (.js) or from source (.ts).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { API_MODULES, API_PROVIDERS } = require('./api-side') as typeof ApiSide;
    return { module: AppModule, imports: [...common(JOB_CATALOGUE), ...API_MODULES], providers: API_PROVIDERS };
  }

  /**
   * The worker: processors plus its health and metrics port. No controllers of the API.
   * Extra modules bring their processors, and extra job kinds the kinds those handle (tests add fixtures so).
   */
  static worker(extraModules: Array<Type | DynamicModule> = [], extraKinds: readonly JobKind[] = []): DynamicModule {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { WORKER_MODULES } = require('./worker-side') as typeof WorkerSide;
    const catalogue = new JobCatalogue([...JOB_KINDS, ...extraKinds]);
    return { module: AppModule, imports: [...common(catalogue), ...WORKER_MODULES, ...extraModules] };
  }
}
