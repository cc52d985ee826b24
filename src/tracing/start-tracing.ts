import { FastifyOtelInstrumentation } from '@fastify/otel';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ParentBasedSampler, TracerProvider } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { Env } from '../config/env.schema';
import { QuietHousekeeping } from './quiet-housekeeping';
import { markTracing } from './tracing-state';

/** Paths that are polled (probes, scrapes of /metrics): a trace each would drown the rest. */
const POLLED = /^\/(api\/health|metrics)(\/|\?|$)/;
/** Query parameters whose values never reach a span (event tokens, signed URLs). */
const REDACTED_QUERY = ['token', 'sig', 'Signature', 'AWSAccessKeyId', 'X-Goog-Signature'];

/**
 * Sets up OpenTelemetry tracing for this process: W3C context in AsyncLocalStorage, spans
 * batched to OTLP/HTTP (JSON) at OTEL_EXPORTER_OTLP_ENDPOINT (the exporter reads the
 * standard OTEL_EXPORTER_OTLP_* variables itself: headers, a traces-only URL), and the
 * instrumentations of what a job touches: HTTP (in and out), Fastify's routes, undici
 * (scrapes, webhooks), pg and ioredis. main.ts requires this file, only when the endpoint
 * is set, before anything it instruments is first required.
 */
export function startTracing(env: Env): void {
  const contextManager = new AsyncLocalStorageContextManager();
  context.setGlobalContextManager(contextManager.enable());
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );

  const provider = new TracerProvider({
    resource: defaultResource()
      .merge(detectResources({ detectors: [envDetector] }))
      .merge(
        resourceFromAttributes({
          [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME ?? (env.IS_WORKER ? 'stevedore-worker' : 'stevedore-api'),
        }),
      ),
    sampler: new ParentBasedSampler({ root: new QuietHousekeeping() }),
    spanProcessors: [
      new BatchSpanProcessor({ exporter: new OTLPTraceExporter(), scheduledDelayMillis: env.OTEL_BSP_SCHEDULE_DELAY }),
    ],
  });
  trace.setGlobalTracerProvider(provider);

  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        // A forward proxy's requests (the egress proxy: absolute URLs) are Chromium's, not a trace of ours.
        ignoreIncomingRequestHook: (req) => POLLED.test(req.url ?? '') || /^[a-z]+:\/\//i.test(req.url ?? ''),
        // Outgoing calls outside any trace (the proxy forwarding them) say nothing on their own.
        requireParentforOutgoingSpans: true,
        redactedQueryParamsServer: REDACTED_QUERY,
      }),
      new FastifyOtelInstrumentation({
        registerOnInitialization: true,
        // The request and handler spans; one per lifecycle hook would be noise.
        instrumentHooks: false,
        ignorePaths: (route) => POLLED.test(route.url ?? ''),
        // The raw URL may carry an event token.
        requestHook: (span, request) => span.setAttribute('url.path', request.url.split('?')[0]),
      }),
      new UndiciInstrumentation({ requireParentforSpans: true }),
      // Background polling (heartbeats, the fair tick, BullMQ's blocking fetches) traces nothing.
      new PgInstrumentation({ requireParentSpan: true }),
      // The command name only: keys may carry a session id, arguments anything.
      new IORedisInstrumentation({ requireParentSpan: true, dbStatementSerializer: (command) => command }),
    ],
  });

  markTracing(() => provider.shutdown());
}
