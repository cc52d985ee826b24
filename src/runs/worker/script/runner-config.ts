import type { ScriptRunDefinition } from '../../run-definition';

/** Where things are, as the runner inside the sandbox sees them. */
export interface RunnerPaths {
  work: string;
  control: string;
  /** The reporter's file (script-reporter, .js from the build or .ts when the worker runs from source). */
  reporter: string;
}

/** Playwright Test's own end comes this long before the run's timeout, so it can still write its report. */
const REPORT_GRACE_MS = 3000;

/** The folders of a run's work folder, as the runner sees them. */
export const workPaths = ({ work }: RunnerPaths) => ({
  tests: `${work}/tests`,
  results: `${work}/out/test-results`,
  report: `${work}/out/report`,
  junit: `${work}/out/junit.xml`,
});

/**
 * The playwright.config.mjs of a script run, written by the worker into the control
 * folder (read-only in the sandbox). Tests run one at a time in one worker process (a
 * run is one job; runs spread over the workers instead); the browser is the worker's,
 * reached over the relay's socket; the user's `use` options come first and the
 * platform's (browser, artifacts) win over them.
 */
export function runnerConfig(definition: ScriptRunDefinition, paths: RunnerPaths): string {
  const { script, options, baseUrl } = definition;
  const out = workPaths(paths);
  const globalTimeout = Math.max(options.timeoutMs - REPORT_GRACE_MS, Math.floor(options.timeoutMs * 0.8));
  const config = {
    testDir: out.tests,
    outputDir: out.results,
    testMatch: '**/*.@(spec|test).?(c|m)[jt]s?(x)',
    workers: 1,
    fullyParallel: false,
    forbidOnly: false,
    retries: script.retries,
    timeout: script.timeout,
    globalTimeout,
    preserveOutput: 'always',
    updateSnapshots: 'none',
    reporter: [
      [paths.reporter],
      ['html', { open: 'never', outputFolder: out.report }],
      ['junit', { outputFile: out.junit }],
    ],
    use: {
      ...script.use,
      ...(baseUrl ? { baseURL: baseUrl } : {}),
      browserName: 'chromium',
      headless: true,
      trace: options.trace,
      video: options.video ? 'on' : 'off',
      screenshot: options.screenshots,
      connectOptions: { wsEndpoint: `ws+unix://${paths.control}/browser.sock:/` },
    },
    projects: [{ name: 'chromium' }],
  };
  // RegExps are not JSON: written as code, from JSON strings, so nothing the user gave can break out.
  const regexps = (['grep', 'grepInvert'] as const)
    .filter((key) => script[key] !== undefined)
    .map((key) => `config.${key} = new RegExp(${JSON.stringify(script[key])});`);
  return [
    '// Written by the Stevedore worker for one script run.',
    `const config = ${JSON.stringify(config, null, 2)};`,
    ...regexps,
    'export default config;',
    '',
  ].join('\n');
}
