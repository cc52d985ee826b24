import { Global, Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../config/app-config.service';
import { RejectionSummary } from './rejection-summary';

/** Request and application logs as pino JSON lines (pretty in development), and the summary of refusals. */
@Global()
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        // Explicit, so a path outside the /api prefix (/metrics) is not logged twice.
        forRoutes: [{ path: '{/*splat}', method: RequestMethod.ALL }],
        pinoHttp: {
          level: config.env.LOG_LEVEL,
          base: { role: config.role, worker: config.workerName, pid: process.pid },
          transport:
            config.env.NODE_ENV === 'development'
              ? { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' } }
              : undefined,
          // One request line says what happened, not every header: cheaper to write and to read.
          serializers: {
            req: (req: {
              id?: unknown;
              method?: string;
              url?: string;
              remoteAddress?: string;
              headers?: Record<string, unknown>;
            }) => ({
              id: req.id,
              method: req.method,
              // An SSE event token in ?token= opens a stream for a minute: not for the logs either.
              url: req.url?.replace(/([?&]token=)[^&#]*/g, '$1[redacted]'),
              remoteAddress: req.remoteAddress,
              userAgent: req.headers?.['user-agent'],
            }),
            res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
          },
          // Keys and passwords never reach the logs.
          redact: {
            paths: [
              'req.headers.authorization',
              'req.headers["x-api-key"]',
              'req.headers.cookie',
              '*.password',
              '*.apiKey',
            ],
            censor: '[redacted]',
          },
          // Health probes and metrics scrapes every few seconds would drown the log.
          // (middleware sees the path relative to its mount: read originalUrl)
          autoLogging: {
            ignore: (req) =>
              /^\/(api\/health|metrics)/.test((req as { originalUrl?: string }).originalUrl ?? req.url ?? ''),
          },
          // A client's mistake is not the server's warning: 4xx are info, a 5xx (a fault) is
          // an error with its stack. A 503 is an outage's answer, not a fault of its own: warn,
          // without the made-up stack (the outage log has the cause, once).
          // 429s come in floods: RejectionSummary counts them and logs one line per interval.
          customLogLevel: (_req, res, err) =>
            res.statusCode === 503
              ? 'warn'
              : err || res.statusCode >= 500
                ? 'error'
                : res.statusCode === 429
                  ? 'silent'
                  : 'info',
          customErrorObject: (_req, res, _error, fields: Record<string, unknown>) =>
            res.statusCode === 503 ? { ...fields, err: undefined } : fields,
          customErrorMessage: (_req, res) =>
            res.statusCode === 503 ? 'request refused: a dependency is unavailable' : 'request errored',
        },
      }),
    }),
  ],
  providers: [RejectionSummary],
  exports: [RejectionSummary],
})
export class LoggingModule {}
