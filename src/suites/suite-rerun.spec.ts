import { checkRequest } from '../validation/parse-request';
import type { RunDefinition } from '../runs/run-definition';
import { rerunName, rerunRequest, rerunStatuses, suiteRerunRequestSchema } from './suite-rerun';

describe('suite rerun', () => {
  it('takes only failed (the default) or all, naming the field otherwise', () => {
    expect(checkRequest(suiteRerunRequestSchema, {})).toEqual({ data: { only: 'failed' }, errors: [] });
    expect(checkRequest(suiteRerunRequestSchema, { only: 'all' }).data).toEqual({ only: 'all' });
    expect(checkRequest(suiteRerunRequestSchema, { only: 'some' }).errors).toEqual([
      'only must be "failed" or "all" (got "some")',
    ]);
    expect(checkRequest(suiteRerunRequestSchema, { only: 'all', tests: [] }).errors).toEqual([
      'tests is not a field of a rerun (only)',
    ]);
    expect(checkRequest(suiteRerunRequestSchema, [1]).errors).toEqual([
      'the body must be a JSON object such as { "only": "failed" }, or none',
    ]);
  });

  it('reruns the runs that failed, errored or timed out, or every run', () => {
    expect([...rerunStatuses('failed')!].sort()).toEqual(['error', 'failed', 'timed_out']);
    expect(rerunStatuses('all')).toBeUndefined();
  });

  it("keeps the suite's settings and each definition, its name marked and still at most 200 characters", () => {
    const test = { name: 't', steps: [{ action: 'goto', url: 'https://example.com' }], priority: 2 } as RunDefinition;
    const suite = { name: 'nightly', notify: ['qa@example.com'], webhookUrl: null, priority: 4, concurrency: 2 };
    expect(rerunRequest(suite, [test])).toEqual({
      name: 'nightly (rerun)',
      tests: [test],
      notify: ['qa@example.com'],
      webhookUrl: null,
      priority: 4,
      concurrency: 2,
    });
    const long = rerunName('x'.repeat(200));
    expect([long.length, long.endsWith('x (rerun)')]).toEqual([200, true]);
  });
});
