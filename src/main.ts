import type * as Bootstrap from './bootstrap';
import { readConfigOrExit } from './config/read-config';
import { applyWorkerHeapGrowth } from './worker-runtime/heap-growth';
import type * as Tracing from './tracing/start-tracing';

const env = readConfigOrExit();
if (env.IS_WORKER) applyWorkerHeapGrowth(env.WORKER_HEAP_GROWING_PERCENT);
// Tracing is set up before anything it instruments (http, Fastify, pg, ioredis) is first
// required, hence require() below, not import; without an endpoint no OpenTelemetry SDK is loaded.
if (env.OTEL_EXPORTER_OTLP_ENDPOINT) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('./tracing/start-tracing') as typeof Tracing).startTracing(env);
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { bootstrap } = require('./bootstrap') as typeof Bootstrap;
void bootstrap({}, env);
