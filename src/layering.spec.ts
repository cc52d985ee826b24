import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const ESLINT = join(ROOT, 'node_modules/eslint/bin/eslint.js');

interface LintMessage {
  ruleId: string | null;
  message: string;
}

/** What ESLint (with the repository's config) says about `code` if it were the file `path`. */
function lintAs(path: string, code: string): LintMessage[] {
  let out: string;
  try {
    out = execFileSync(process.execPath, [ESLINT, '--format', 'json', '--stdin', '--stdin-filename', path], {
      cwd: ROOT,
      input: code,
      encoding: 'utf8',
    });
  } catch (error) {
    // ESLint exits 1 when it reports errors; its report is still on stdout.
    out = (error as { stdout: string }).stdout;
  }
  const [report] = JSON.parse(out) as Array<{ messages: LintMessage[] }>;
  return report.messages.filter((m) => m.ruleId === 'boundaries/dependencies');
}

describe('the layering rule (eslint.layering.mjs)', () => {
  it('refuses a shared folder that imports a feature', () => {
    const found = lintAs('src/queues/layering-probe.ts', "export { RunStatus } from '../runs/run.entity';\n");
    expect(found).toHaveLength(1);
    expect(found[0].message).toMatch(/"shared" to elements of type "feature"/);
  });

  it("refuses the API side of a feature that imports the worker runtime, its own worker/ folder or another feature's internals", () => {
    const found = lintAs(
      'src/runs/layering-probe.ts',
      [
        "import { JobStop } from '../worker-runtime/job-stop';",
        "import { RunExecutor } from './worker/run-executor';",
        "import { SuiteSettler } from '../suites/suite-settler';",
        "import { newRun } from './new-run';",
        'export const all = [JobStop, RunExecutor, SuiteSettler, newRun];',
        '',
      ].join('\n'),
    );
    expect(found.map((m) => m.message)).toEqual([
      expect.stringMatching(/to elements of type "worker-only"/),
      expect.stringMatching(/to elements of type "feature-worker" and captured values: name="runs"/),
      expect.stringMatching(/to elements of type "feature" and captured values: name="suites"/),
    ]);
  });

  it("lets a feature's worker side use the worker runtime and the hooks another feature declares, not its internals", () => {
    const found = lintAs(
      'src/suites/worker/layering-probe.ts',
      [
        "import type { RunHooks } from '../../runs/worker/run-hooks';",
        "import { JobStop } from '../../worker-runtime/job-stop';",
        "import { RunExecutor } from '../../runs/worker/run-executor';",
        'export type Hooks = RunHooks;',
        'export const all = [JobStop, RunExecutor];',
        '',
      ].join('\n'),
    );
    expect(found.map((m) => m.message)).toEqual([
      expect.stringMatching(/"feature-worker" and captured values: name="suites" to .*"feature-worker" .*name="runs"/),
    ]);
  });
});
