import { SuiteStatus } from './suite.entity';
import { suiteEmailVariables, suiteReport } from './suite-report';

describe('suiteReport', () => {
  const suite = {
    id: 's1',
    name: 'smoke',
    status: SuiteStatus.failed,
    total: 4,
    passed: 1,
    failed: 2,
    errored: 1,
    cancelled: 0,
    startedAt: new Date('2026-11-24T10:00:00Z'),
    finishedAt: new Date('2026-11-24T10:01:05Z'),
    durationMs: 65000,
  };
  const runs = [
    { id: 'r1', name: 'ok', status: 'passed', error: null, durationMs: 900 },
    {
      id: 'r2',
      name: 'bad heading',
      status: 'failed',
      error: 'step 1 (expectText) failed: expected "Goodbye"\nCall log:\n1\n2\n3\n4\n5\n6',
      durationMs: 1200,
    },
    { id: 'r3', name: 'slow', status: 'timed_out', error: 'run timed out after 1000 ms', durationMs: 1000 },
    { id: 'r4', name: 'no browser', status: 'error', error: 'browser fault: spawn ENOENT', durationMs: 5 },
  ];

  it('lists the runs that did not pass with the head of their first error, and links every run', () => {
    const report = suiteReport(suite, runs, 'https://stevedore.example.com/');
    expect(report.suite).toMatchObject({
      id: 's1',
      status: 'failed',
      passed: 1,
      failed: 2,
      errored: 1,
      url: 'https://stevedore.example.com/api/suites/s1',
      startedAt: '2026-11-24T10:00:00.000Z',
    });
    expect(report.failures.map((f) => [f.name, f.status])).toEqual([
      ['bad heading', 'failed'],
      ['slow', 'timed_out'],
      ['no browser', 'error'],
    ]);
    expect(report.failures[0].error!.split('\n')).toHaveLength(6);
    expect(report.runs.map((r) => r.url)).toEqual(runs.map((r) => `https://stevedore.example.com/api/runs/${r.id}`));
  });

  it('says how long it took, or that it never started', () => {
    expect(suiteEmailVariables(suiteReport(suite, runs, 'http://x')).duration).toBe('1 min 5 s');
    expect(suiteEmailVariables(suiteReport({ ...suite, durationMs: 12345 }, runs, 'http://x')).duration).toBe('12.3 s');
    expect(
      suiteEmailVariables(suiteReport({ ...suite, durationMs: null, startedAt: null }, [], 'http://x')).duration,
    ).toBe('did not start');
  });
});
