import { type Attributes, INVALID_SPAN_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { isTracing } from './tracing-state';

/** The tracer of Stevedore's own spans (the executors' phases, the fair layer's hand-offs). */
export const tracer = trace.getTracer('stevedore');

/** What `inSpan` hands the work when tracing is off: setting attributes on it does nothing. */
const NO_SPAN = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/**
 * Runs `work` in a span of its own, a child of the active one (a job's processing, a
 * request), which is active while it runs: the database and Redis calls inside become its
 * children. A throw is recorded on the span and passed on. With tracing off, `work` just
 * runs: no span, no context switch.
 */
export function inSpan<T>(
  name: string,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
  kind: SpanKind = SpanKind.INTERNAL,
): Promise<T> {
  if (!isTracing()) return work(NO_SPAN);
  return tracer.startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
      throw error;
    } finally {
      span.end();
    }
  });
}
