import { readScriptMessage } from './script-messages';

describe('readScriptMessage', () => {
  it("reads the runner's end with Playwright's fractional duration, kept whole", () => {
    // FullResult.duration comes from monotonicTime(): milliseconds with microsecond decimals.
    expect(readScriptMessage('{"t":"end","status":"passed","duration":4107.318}')).toEqual({
      t: 'end',
      status: 'passed',
      duration: 4107,
    });
  });

  it('rounds the durations of a test and its steps', () => {
    const line = JSON.stringify({
      t: 'test',
      i: 0,
      retry: 0,
      status: 'passed',
      outcome: 'expected',
      willRetry: false,
      duration: 12.6,
      steps: [{ title: 'click', category: 'pw:api', duration: 3.2, steps: [] }],
      errors: [],
      stdout: '',
      stderr: '',
      attachments: [],
    });
    expect(readScriptMessage(line)).toMatchObject({ duration: 13, steps: [{ duration: 3 }] });
  });

  it('reads a test that timed out with a step still running (duration -1) as 0 ms', () => {
    const line = JSON.stringify({
      t: 'test',
      i: 0,
      retry: 0,
      status: 'timedOut',
      outcome: 'unexpected',
      willRetry: false,
      duration: 30001.5,
      steps: [{ title: 'page.evaluate', category: 'pw:api', duration: -1, steps: [] }],
      errors: [{ message: 'Test timeout of 30000ms exceeded.' }],
      stdout: '',
      stderr: '',
      attachments: [],
    });
    expect(readScriptMessage(line)).toMatchObject({ status: 'timedOut', duration: 30002, steps: [{ duration: 0 }] });
  });

  it('ignores a line that is not one of the reporter’s messages', () => {
    expect(readScriptMessage('{"t":"end","status":"passed","duration":-5}')).toBeUndefined();
    expect(readScriptMessage('{"t":"testBegin","i":-1,"retry":0}')).toBeUndefined();
    expect(readScriptMessage('not json')).toBeUndefined();
  });
});

describe('readScriptMessage: text PostgreSQL can store', () => {
  const testEnd = (stdout: string) =>
    JSON.stringify({
      t: 'test',
      i: 0,
      retry: 0,
      status: 'passed',
      outcome: 'expected',
      willRetry: false,
      duration: 1,
      steps: [],
      errors: [{ message: 'bad \u0000 byte' }],
      stdout,
      stderr: '',
      attachments: [],
    });

  it('replaces NUL characters (a test printing /proc/*/environ) so the result is still stored', () => {
    expect(readScriptMessage(testEnd('A=1\u0000B=2\u0000'))).toMatchObject({
      stdout: 'A=1\uFFFDB=2\uFFFD',
      errors: [{ message: 'bad \uFFFD byte' }],
    });
  });

  it('replaces lone surrogates, including a pair split by the length cut', () => {
    const cut = 'x'.repeat(70 * 1024 - 3) + '😀'; // after the 2 characters before it, the cut splits the emoji
    const stdout = (readScriptMessage(testEnd(`\ud800 ${cut}`)) as { stdout: string }).stdout;
    expect(stdout.startsWith('\uFFFD ')).toBe(true);
    expect(stdout.endsWith('\uFFFD')).toBe(true);
    expect(Buffer.from(stdout, 'utf8').toString('utf8')).toBe(stdout);
  });
});
