import { existsSync, realpathSync } from 'node:fs';
import { copyFile, mkdir, readdir, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';

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

export const LAUNCHER_FILE = 'script-launcher.cjs';
export const CONFIG_FILE = 'playwright.config.mjs';

/** script-reporter as built (.js) or, when the worker runs from source, as written (.ts; Playwright compiles it). */
export function reporterSource(): string {
  const built = join(__dirname, 'script-reporter.js');
  return existsSync(built) ? built : join(__dirname, 'script-reporter.ts');
}

/** The reporter's name in the control folder, with the extension it has. */
export const REPORTER_FILE = `reporter${extname(reporterSource())}`;

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

  static async create(name: string): Promise<ScriptWorkspace> {
    const base = join(await realpath(tmpdir()), 'stevedore-scripts');
    const workspace = new ScriptWorkspace(join(base, name));
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

  /** The launcher and the reporter, into the control folder, before the sandbox starts. */
  async writePrograms(): Promise<void> {
    await copyFile(join(__dirname, LAUNCHER_FILE), join(this.controlDir, LAUNCHER_FILE));
    await copyFile(reporterSource(), join(this.controlDir, REPORTER_FILE));
  }

  /** The run's config, into the control folder once the run is known. */
  async writeConfig(config: string): Promise<void> {
    await writeFile(join(this.controlDir, CONFIG_FILE), config);
  }

  /** Whether its folders are still there (a long-idle workspace may have been cleared as stale). */
  async intact(): Promise<boolean> {
    return (await stat(join(this.controlDir, LAUNCHER_FILE)).catch(() => undefined)) !== undefined;
  }

  remove(): Promise<void> {
    return rm(this.root, { recursive: true, force: true, maxRetries: 3 });
  }
}
