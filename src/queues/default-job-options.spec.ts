import { DEFAULT_JOB_OPTIONS } from './default-job-options';
import { QUEUE_CONCURRENCY_KEY, QUEUE_NAMES } from '../job-catalogue';

describe('queue declarations', () => {
  it('names the queues of the product with their concurrency keys (schedule ticks, suite ends and webhooks use the default)', () => {
    expect(QUEUE_NAMES).toEqual(['test-runs', 'scrapes', 'emails', 'schedules', 'suites', 'webhooks', 'alerts']);
    expect(QUEUE_CONCURRENCY_KEY).toEqual({
      'test-runs': 'WORKER_CONCURRENCY',
      scrapes: 'SCRAPE_CONCURRENCY',
      emails: 'EMAIL_CONCURRENCY',
      alerts: 'ALERT_CONCURRENCY',
    });
  });

  it('retries with exponential backoff and jitter, and bounds what Redis keeps', () => {
    expect(DEFAULT_JOB_OPTIONS.attempts).toBeGreaterThan(1);
    expect(DEFAULT_JOB_OPTIONS.backoff).toMatchObject({ type: 'exponential', jitter: expect.any(Number) });
    for (const keep of [DEFAULT_JOB_OPTIONS.removeOnComplete, DEFAULT_JOB_OPTIONS.removeOnFail]) {
      expect(keep).toEqual({ age: expect.any(Number), count: expect.any(Number) });
    }
  });
});
