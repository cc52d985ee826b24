import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Sandbox, type SandboxPaths } from '../../../sandbox/sandbox';
import type { SandboxedProcess } from '../../../sandbox/sandboxed-process';
import { hostModulesRoot, LAUNCHER_FILE, playwrightPackages, ScriptWorkspace } from './script-workspace';

/** What a script run's Node sees before its own env and secrets: nothing of the worker's. */
const BASE_ENV = {
  PATH: '/usr/bin:/bin',
  HOME: '/tmp',
  TMPDIR: '/tmp',
  LANG: 'C.UTF-8',
  CI: '1',
  FORCE_COLOR: '0',
  PW_TEST_HTML_REPORT_OPEN: 'never',
};

/** A sandbox with Playwright Test loaded, waiting for its run. */
export interface ReadySandbox {
  /** Names its workspace and cgroup. */
  name: string;
  workspace: ScriptWorkspace;
  process: SandboxedProcess;
  /** Where things are as the program inside sees them. */
  paths: SandboxPaths;
  sandboxed: boolean;
  /** Where the reporter's lines go from now on. */
  listen(onLine: (line: string) => void): void;
  /** Starts `playwright test` with these arguments, the run's env added to the sandbox's. */
  go(env: Record<string, string>, args: string[]): void;
}

/**
 * Sandboxes for script runs, one kept ready ahead: loading Playwright Test's command line
 * takes a second or more, which a run would otherwise wait for. The first script run of
 * a worker starts one for the next; each run takes it (a run never reuses another's) and
 * the next is prepared. Nothing of a run is in a sandbox before it is taken.
 */
@Injectable()
export class ScriptSandboxes implements OnApplicationShutdown {
  private readonly logger = new Logger(ScriptSandboxes.name);
  private readonly packages = playwrightPackages();
  private next?: Promise<ReadySandbox | undefined>;
  private closed = false;

  constructor(private readonly sandbox: Sandbox) {}

  /** A sandbox for a run: the one ready ahead if it is still good, else a new one. */
  async take(): Promise<ReadySandbox> {
    const pending = this.next;
    this.next = undefined;
    const ready = pending ? await pending : undefined;
    this.prepareNext();
    if (ready && (await this.usable(ready))) return ready;
    if (ready) await this.discard(ready);
    return this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    const ready = await this.next;
    if (ready) await this.discard(ready);
  }

  private prepareNext(): void {
    if (this.closed) return;
    this.next = this.start().catch((err: unknown) => {
      this.logger.debug({ err }, 'Could not prepare a script sandbox ahead');
      return undefined;
    });
  }

  private async usable(ready: ReadySandbox): Promise<boolean> {
    const exited = await Promise.race([ready.process.exit.then(() => true), Promise.resolve(false)]);
    return !exited && (await ready.workspace.intact());
  }

  private async discard(ready: ReadySandbox): Promise<void> {
    await ready.process.kill();
    await ready.workspace.remove().catch(() => undefined);
  }

  private async start(): Promise<ReadySandbox> {
    const name = randomUUID();
    const workspace = await ScriptWorkspace.create(name);
    try {
      await workspace.writePrograms();
      const sandboxed = (await this.sandbox.support()).mode === 'bubblewrap';
      const paths = this.sandbox.paths(workspace, hostModulesRoot(this.packages), sandboxed);
      let sink: (line: string) => void = () => undefined;
      const process = await this.sandbox.start({
        name,
        workDir: workspace.workDir,
        controlDir: workspace.controlDir,
        packages: this.packages,
        // Unsandboxed, Node finds @playwright/test through NODE_PATH; sandboxed, at /node_modules.
        env: sandboxed ? BASE_ENV : { ...BASE_ENV, NODE_PATH: paths.modules },
        command: [globalThis.process.execPath, `${paths.control}/${LAUNCHER_FILE}`, paths.modules],
        onLine: (line) => sink(line),
      });
      return {
        name,
        workspace,
        process,
        paths,
        sandboxed,
        listen: (onLine) => (sink = onLine),
        go: (env, args) => process.send(`${JSON.stringify({ env, args })}\n`),
      };
    } catch (error) {
      await workspace.remove().catch(() => undefined);
      throw error;
    }
  }
}
