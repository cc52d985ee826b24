import { runnerConfig } from './runner-config';

const definition = (script: Record<string, unknown>) =>
  ({
    name: 'x',
    baseUrl: 'http://127.0.0.1:4000',
    script: { files: {}, retries: 1, timeout: 5000, use: { locale: 'fr-FR', baseURL: 'http://elsewhere' }, ...script },
    env: {},
    secrets: [],
    options: { timeoutMs: 60000, stepTimeoutMs: 10000, video: true, trace: 'on', screenshots: 'off' },
    priority: 5,
  }) as never;

/** The config module's value: its code run as a function body (its only export is the default). */
const load = (source: string) => new Function(source.replace('export default config;', 'return config;'))();

describe('a script run’s Playwright config', () => {
  const paths = { work: '/work', control: '/stevedore', reporter: '/stevedore/reporter.js' };

  it('puts the user’s options first and the platform’s after: the browser and artifacts are the worker’s', () => {
    const config = load(runnerConfig(definition({}), paths));
    expect(config).toMatchObject({
      testDir: '/work/tests',
      workers: 1,
      retries: 1,
      timeout: 5000,
      globalTimeout: 57000,
      use: {
        locale: 'fr-FR',
        baseURL: 'http://127.0.0.1:4000',
        trace: 'on',
        video: 'on',
        screenshot: 'off',
        connectOptions: { wsEndpoint: 'ws+unix:///stevedore/browser.sock:/' },
      },
    });
    expect(config.reporter[0]).toEqual(['/stevedore/reporter.js']);
    expect(config.grep).toBeUndefined();
  });

  it('writes grep patterns as RegExps from JSON strings, so a hostile pattern cannot break out', () => {
    const hostile = `"' + process.exit(1) + '"`;
    const config = load(runnerConfig(definition({ grep: hostile, grepInvert: '@slow' }), paths));
    expect(config.grep).toEqual(new RegExp(hostile));
    expect(config.grepInvert).toEqual(/@slow/);
  });
});
