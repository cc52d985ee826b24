import { parseSuiteRequest } from './suite-request';

describe('parseSuiteRequest', () => {
  const test = { name: 't', steps: [{ action: 'goto', url: 'https://example.com' }] };

  it('accepts a suite, gives its priority to tests without their own, and drops repeated addresses', () => {
    const { request, errors } = parseSuiteRequest(
      {
        name: ' nightly ',
        tests: [test, { ...test, priority: 1 }],
        notify: ['qa@example.com', 'qa@example.com'],
        webhookUrl: 'https://hooks.example.com/x',
        priority: 3,
        concurrency: 2,
      },
      10,
    );
    expect(errors).toEqual([]);
    expect(request).toEqual({
      name: 'nightly',
      tests: [
        { ...test, priority: 3 },
        { ...test, priority: 1 },
      ],
      notify: ['qa@example.com'],
      webhookUrl: 'https://hooks.example.com/x',
      priority: 3,
      concurrency: 2,
    });
  });

  it('leaves a test taken from an earlier run as it is (its priority is set when it is read)', () => {
    expect(parseSuiteRequest({ name: 's', tests: [{ fromRun: 'r1' }] }, 10).request?.tests).toEqual([
      { fromRun: 'r1' },
    ]);
  });

  it('defaults: priority 5, no one to notify, no webhook, no limit on runs at once', () => {
    expect(parseSuiteRequest({ name: 's', tests: [test] }, 10).request).toEqual({
      name: 's',
      tests: [{ ...test, priority: 5 }],
      notify: [],
      webhookUrl: null,
      priority: 5,
      concurrency: null,
    });
  });

  it('takes notify recipients with display names, as the emails API does', () => {
    const notify = ['"QA, nightly" <qa@example.com>, Ada <ada@example.com>', 'QA@example.com'];
    expect(parseSuiteRequest({ name: 's', tests: [test], notify }, 10).request?.notify).toEqual([
      '"QA, nightly" <qa@example.com>',
      'Ada <ada@example.com>',
    ]);
  });

  it.each([
    [[], 'the body must be a JSON object with name and tests'],
    [{ tests: [test] }, 'name is required (a non-empty string)'],
    [{ name: 's' }, 'tests is required'],
    [{ name: 's', tests: [] }, 'tests must have at least one test'],
    [{ name: 's', tests: [test, test, test] }, 'tests may have at most 2 tests (got 3)'],
    [{ name: 's', tests: [test], notify: 'qa@example.com' }, 'notify must be a list of email addresses'],
    [{ name: 's', tests: [test], notify: ['qa@example.com', 'nope'] }, 'notify[1] must be an email address'],
    [{ name: 's', tests: [test], webhookUrl: 'ftp://example.com/' }, 'webhookUrl must be an http or https URL'],
    [{ name: 's', tests: [test], priority: 11 }, 'priority must be a whole number from 1 (most urgent) to 10'],
    [{ name: 's', tests: [test], concurrency: 0 }, 'concurrency must be a whole number from 1 to 1000'],
    [{ name: 's', tests: [test], runs: [] }, 'runs is not a field of a suite'],
  ])('refuses %j', (body, message) => {
    const { request, errors } = parseSuiteRequest(body, 2);
    expect(request).toBeUndefined();
    expect(errors.join('\n')).toContain(message);
  });
});
