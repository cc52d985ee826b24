import { isDisposedObjectRace } from './playwright-race-guard';

describe('isDisposedObjectRace', () => {
  const thrown = (message: string, stack: string) =>
    Object.assign(new Error(message), { stack: `Error: ${message}\n${stack}` });

  it('recognises the disposed-object error thrown by playwright-core', () => {
    expect(
      isDisposedObjectRace(
        thrown(
          'Object with guid response@6d10 was not bound in the connection',
          '    at Connection._tChannelImplFromWire (/app/node_modules/playwright-core/lib/coreBundle.js:66086:19)',
        ),
      ),
    ).toBe(true);
  });

  it('lets anything else end the process', () => {
    expect(
      isDisposedObjectRace(
        thrown(
          'Object with guid response@6d10 was not bound in the connection',
          '    at ours (/app/dist/runs/run-executor.js:1:1)',
        ),
      ),
    ).toBe(false);
    expect(
      isDisposedObjectRace(
        thrown(
          'Cannot read properties of undefined',
          '    at x (/app/node_modules/playwright-core/lib/coreBundle.js:1:1)',
        ),
      ),
    ).toBe(false);
    expect(isDisposedObjectRace('Object with guid x was not bound in the connection')).toBe(false);
  });
});
