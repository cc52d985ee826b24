import { type Sampler, SamplingDecision, type SamplingResult } from '@opentelemetry/sdk-trace';

/**
 * BullMQ's spans for its own timers (a fetch that found no job, the stalled-job check, lock
 * renewals) start a trace each, every few seconds per queue and worker, and say nothing
 * about any job. As the root sampler (under ParentBasedSampler) this drops those traces
 * and keeps every other: a fetch that found a job continues that job's trace anyway.
 */
const HOUSEKEEPING = /^(getNextJob|moveStalledJobsToWait|startStalledCheckTimer|extendLocks) /;

export class QuietHousekeeping implements Sampler {
  shouldSample(_context: unknown, _traceId: string, spanName: string): SamplingResult {
    return {
      decision: HOUSEKEEPING.test(spanName) ? SamplingDecision.NOT_RECORD : SamplingDecision.RECORD_AND_SAMPLED,
    };
  }

  toString(): string {
    return 'QuietHousekeeping';
  }
}
