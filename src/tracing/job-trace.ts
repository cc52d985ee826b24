import { context, propagation, ROOT_CONTEXT, type SpanContext, trace } from '@opentelemetry/api';
import type { Telemetry } from 'bullmq';
import type * as BullmqOtel from 'bullmq-otel';
import { isTracing } from './tracing-state';

/**
 * BullMQ's telemetry for every queue, worker and flow producer, when tracing is on: `add`
 * stores the active trace context on the job (`opts.telemetry.metadata`, its `tm` field in
 * Redis) and a worker's `process` span continues that trace, in whichever process.
 * Undefined when off, so BullMQ skips its telemetry code altogether.
 */
export function bullTelemetry(): Telemetry | undefined {
  if (!isTracing()) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { BullMQOtel } = require('bullmq-otel') as typeof BullmqOtel;
  return new BullMQOtel({ tracerName: 'bullmq' });
}

/**
 * The active trace context as BullMQ's telemetry keeps it on a job (bullmq-otel's format:
 * the W3C headers as JSON), for jobs that wait elsewhere before BullMQ has them (the fair
 * layer): added later by another process, they keep the trace of the request that made
 * them. Undefined with tracing off.
 */
export function jobTraceMetadata(): string | undefined {
  if (!isTracing()) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ? JSON.stringify(carrier) : undefined;
}

/** The span a job's trace metadata points at (to link a hand-off to it), if it names one. */
export function spanContextOf(metadata: string | undefined): SpanContext | undefined {
  if (!metadata) return undefined;
  try {
    return trace.getSpanContext(propagation.extract(ROOT_CONTEXT, JSON.parse(metadata) as Record<string, string>));
  } catch {
    return undefined;
  }
}
