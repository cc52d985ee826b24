import { existsSync, realpathSync } from 'node:fs';
import { copyFile, mkdir, readdir, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, normalize, resolve, sep } from 'node:path';

/** The packages a script may import, and the two Playwright Test needs for itself. */
const PACKAGES = ['@playwright/test', 'playwright', 'playwright-core'] as const;

/** Each package's folder on this machine, found the way @playwright/test finds them. */
export function playwrightPackages(): Record<string, string> {
  const found: Record<string, string> = {};
  let from = __dirname;
  for (const name of PACKAGES) {
    const dir = dirname(realpathSync(require.resolve(`${name}/package.json`, { paths: [from] })));
    found[name] = dir;
    from = dir;
  }
  return found;
}

/** Where Node finds @playwright/test when the runner runs unsandboxed (NODE_PATH). */
export const hostModulesRoot = (packages: Record<string, string>) => dirname(dirname(packages['@playwright/test']));

/** script-reporter as built (.js) or, when the worker runs from source, as written (.ts; Playwright compiles it). */
export function reporterSource(): string {
  const built = join(__dirname, 'script-reporter.js');
  return existsSync(built) ? built : join(__dirname, 'script-reporter.ts');
}

/**
 * A script run's scratch folders on the worker, made fresh per attempt and removed after:
 * `work` (the sandbox's /work: the user's files under tests/, what the runner writes under
 * out/), `control` (its /stevedore, read-only: config, reporter, the browser socket) and
 * `videos` (where the browser server writes videos; never inside the sandbox).
 */
export class ScriptWorkspace {
  private constructor(readonly root: string) {}

  get workDir(): string {
    return join(this.root, 'work');
  }
  get testsDir(): string {
    return join(this.workDir, 'tests');
  }
  get outDir(): string {
    return join(this.workDir, 'out');
  }
  get controlDir(): string {
    return join(this.root, 'control');
  }
  get videoDir(): string {
    return join(this.root, 'videos');
  }
  get socketPath(): string {
    return join(this.controlDir, 'browser.sock');
  }

  /** Removes workspaces older than `maxAgeMs` (a worker killed mid-run leaves its run's behind). */
  static async removeStale(maxAgeMs: number): Promise<void> {
    const base = join(await realpath(tmpdir()), 'stevedore-scripts');
    for (const entry of await readdir(base).catch(() => [])) {
      const path = join(base, entry);
      const info = await stat(path).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > maxAgeMs)
        await rm(path, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  static async create(runId: string, attempt: number): Promise<ScriptWorkspace> {
    const base = join(await realpath(tmpdir()), 'stevedore-scripts');
    const workspace = new ScriptWorkspace(join(base, `${runId}-${attempt}`));
    await rm(workspace.root, { recursive: true, force: true });
    for (const dir of [workspace.testsDir, workspace.outDir, workspace.controlDir, workspace.videoDir])
      await mkdir(dir, { recursive: true });
    return workspace;
  }

  /** The user's files under tests/ (their paths were checked when the run was accepted; checked again here). */
  async writeFiles(files: Record<string, string>): Promise<void> {
    for (const [name, content] of Object.entries(files)) {
      const path = resolve(this.testsDir, normalize(name));
      if (!path.startsWith(this.testsDir + sep)) throw new Error(`script file ${name} is outside the script's folder`);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, content);
    }
  }

  /** The config and reporter, into the control folder; the reporter's path there. */
  async writeControl(config: string, reporterFile: string): Promise<void> {
    await writeFile(join(this.controlDir, 'playwright.config.mjs'), config);
    await copyFile(reporterSource(), join(this.controlDir, reporterFile));
  }

  remove(): Promise<void> {
    return rm(this.root, { recursive: true, force: true, maxRetries: 3 });
  }
}
