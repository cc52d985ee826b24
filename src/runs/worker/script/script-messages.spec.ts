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

  it('ignores a line that is not one of the reporter’s messages', () => {
    expect(readScriptMessage('{"t":"end","status":"passed","duration":-1}')).toBeUndefined();
    expect(readScriptMessage('not json')).toBeUndefined();
  });
});
