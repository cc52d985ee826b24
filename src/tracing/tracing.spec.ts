import { propagation } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { SamplingDecision } from '@opentelemetry/sdk-trace';
import { bullTelemetry, jobTraceMetadata, spanContextOf } from './job-trace';
import { QuietHousekeeping } from './quiet-housekeeping';
import { inSpan } from './spans';
import { isTracing } from './tracing-state';

describe('tracing', () => {
  describe('off (no OTEL_EXPORTER_OTLP_ENDPOINT: start-tracing never ran)', () => {
    it('costs nothing: the work just runs, jobs carry no context, BullMQ gets no telemetry', async () => {
      expect(isTracing()).toBe(false);
      await expect(inSpan('work', {}, (span) => Promise.resolve(span.isRecording()))).resolves.toBe(false);
      await expect(inSpan('work', {}, () => Promise.reject(new Error('passed on')))).rejects.toThrow('passed on');
      expect(jobTraceMetadata()).toBeUndefined();
      expect(bullTelemetry()).toBeUndefined();
    });
  });

  it("reads the span a job's trace metadata names (bullmq-otel's format), and nothing from anything else", () => {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    try {
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const metadata = JSON.stringify({ traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
      expect(spanContextOf(metadata)).toMatchObject({ traceId, spanId: '00f067aa0ba902b7', isRemote: true });
      expect(spanContextOf(undefined)).toBeUndefined();
      expect(spanContextOf('not json')).toBeUndefined();
      expect(spanContextOf('{}')).toBeUndefined();
    } finally {
      propagation.disable();
    }
  });

  it("drops the traces of BullMQ's own timers and keeps every other root", () => {
    const sampler = new QuietHousekeeping();
    const decide = (name: string) => sampler.shouldSample(undefined, '', name).decision;
    for (const name of ['getNextJob emails', 'moveStalledJobsToWait test-runs', 'extendLocks scrapes'])
      expect([name, decide(name)]).toEqual([name, SamplingDecision.NOT_RECORD]);
    for (const name of ['POST /api/runs', 'process emails', 'dispatch test-runs', 'close emails'])
      expect([name, decide(name)]).toEqual([name, SamplingDecision.RECORD_AND_SAMPLED]);
  });
});
