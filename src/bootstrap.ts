import 'reflect-metadata';
import { DynamicModule, Logger as NestLogger, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import type * as ApiHttp from './api-http';
import { AppModule } from './app.module';
import { AppConfig } from './config/app-config.service';
import type { Env } from './config/env.schema';
import { readConfigOrExit } from './config/read-config';
import { acceptJsonBodiesOnly } from './http/json-bodies';
import { lingerAfterEarlyAnswers } from './http/lingering-close';
import { serverOptions } from './http/server-options';
import { waitForDatabaseOrExit } from './database/database-probe';
import type { JobKind } from './queues/job-kind';
import { stopTracing } from './tracing/tracing-state';
import type * as Lifecycle from './worker-runtime/worker-lifecycle.service';

export interface BootstrapOptions {
  /** Extra modules for the worker (tests add fixture processors this way). */
  workerModules?: Array<Type | DynamicModule>;
  /** The job kinds those extra modules' processors handle. */
  workerJobKinds?: readonly JobKind[];
}

export async function createApp(env: Env, options: BootstrapOptions = {}): Promise<NestFastifyApplication> {
  const module = env.IS_WORKER ? AppModule.worker(options.workerModules, options.workerJobKinds) : AppModule.main();
  const app = await NestFactory.create<NestFastifyApplication>(
    module,
    new FastifyAdapter(serverOptions(env)),
    // Nest's own parsers (JSON and forms) are replaced by acceptJsonBodiesOnly.
    { bufferLogs: true, bodyParser: false },
  );
  acceptJsonBodiesOnly(app.getHttpAdapter().getInstance());
  lingerAfterEarlyAnswers(app.getHttpServer());
  app.useLogger(app.get(Logger));
  app.flushLogs();
  app.setGlobalPrefix('api', { exclude: ['metrics'] });
  if (!env.IS_WORKER) {
    // Loaded only by the API: Bull Board, Swagger and socket.io stay out of workers.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { setUpApiHttp } = require('./api-http') as typeof ApiHttp;
    await setUpApiHttp(app, env);
  }
  return app;
}

/** A worker's queues stop handing it jobs (the API has none to stop). */
function stopTakingJobs(app: NestFastifyApplication, env: Env): Promise<void> {
  if (!env.IS_WORKER) return Promise.resolve();
  // Required here so the API never loads the worker runtime.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { WorkerLifecycle } = require('./worker-runtime/worker-lifecycle.service') as typeof Lifecycle;
  return app.get(WorkerLifecycle, { strict: false }).stopTakingJobs();
}

/**
 * Starts the API or the worker by IS_WORKER. SIGTERM/SIGINT run the shutdown sequence
 * and exit 0; Nest's own signal hooks would re-raise the signal and exit non-zero.
 */
export async function bootstrap(options: BootstrapOptions = {}, env: Env = readConfigOrExit()): Promise<void> {
  await waitForDatabaseOrExit(env.DATABASE_URL, env.DATABASE_CONNECT_TIMEOUT_MS);
  const app = await createApp(env, options);
  const config = app.get(AppConfig);
  const logger = new NestLogger('Bootstrap');

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.log({ signal }, `${config.role} stopping`);
    // A last resort if something hangs past the drain budget.
    setTimeout(() => {
      logger.error('Shutdown took too long; exiting');
      process.exit(1);
    }, env.SHUTDOWN_TIMEOUT_MS + 15_000).unref();
    // A worker stops taking jobs at the signal itself, before Nest's close walks the
    // modules (whose earlier destroy hooks may take a while).
    stopTakingJobs(app, env)
      .catch((err: unknown) => logger.warn({ err }, 'Could not pause the workers at the signal'))
      .then(() => app.close())
      // The last spans (the drain's, the last job's) go out before the exit.
      .then(() => stopTracing())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'Shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  await app.listen({ port: config.httpPort, host: '0.0.0.0' });
  logger.log({ port: config.httpPort, worker: config.workerName }, `${config.role} listening on :${config.httpPort}`);
}
