import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config.service';
import { CgroupLimits, cgroupLayout } from './cgroup-limits';
import { bubblewrapArgs, INSIDE, SANDBOX_ETC } from './sandbox-command';
import { SandboxedProcess } from './sandboxed-process';

export type SandboxSupport = { mode: 'bubblewrap' } | { mode: 'off' } | { mode: 'unavailable'; reason: string };

/** Paths of a sandbox's folders as the program inside sees them. */
export interface SandboxPaths {
  work: string;
  control: string;
  /** Where `@playwright/test` and the packages it needs are found. */
  modules: string;
}

export interface SandboxRequest {
  /** Unique per sandbox (names its cgroup). */
  name: string;
  workDir: string;
  controlDir: string;
  /** The packages it may import: name → host folder. */
  packages: Record<string, string>;
  env: Record<string, string>;
  /** The program and its arguments, in the paths `paths()` gave. */
  command: string[];
  onLine: (line: string) => void;
}

/** The support check's own program: a shell in every namespace the runs get. */
const PROBE = ['/bin/sh', '-c', 'exit 0'];

/**
 * Where untrusted code runs: each program in its own bubblewrap namespaces and cgroup,
 * with SCRIPT_MEMORY_MB, SCRIPT_PROCESS_LIMIT and SCRIPT_DISK_MB as caps (README:
 * Security, script runs). Whether this machine can do it is checked once, at start; where
 * it cannot, `support()` says why and script runs are refused, unless SCRIPT_SANDBOX=off.
 */
@Injectable()
export class Sandbox implements OnApplicationBootstrap {
  private readonly logger = new Logger(Sandbox.name);
  private checked?: Promise<SandboxSupport>;
  private etcDir?: Promise<string>;

  constructor(private readonly config: AppConfig) {}

  onApplicationBootstrap(): void {
    if (this.config.env.SCRIPT_SANDBOX === 'off')
      this.logger.warn(
        'SCRIPT_SANDBOX=off: script runs run WITHOUT a sandbox, with the worker’s files, network and environment within their reach',
      );
    void this.support().then((support) => {
      if (support.mode === 'unavailable')
        this.logger.warn({ reason: support.reason }, 'Script runs are refused on this worker: no sandbox');
      else if (support.mode === 'bubblewrap') this.logger.log('Script runs are sandboxed (bubblewrap, cgroups)');
    });
  }

  support(): Promise<SandboxSupport> {
    if (this.config.env.SCRIPT_SANDBOX === 'off') return Promise.resolve({ mode: 'off' });
    this.checked ??= this.probe();
    return this.checked;
  }

  /** Where the program finds things: fixed paths inside a sandbox, the host's own without one. */
  paths(
    request: Pick<SandboxRequest, 'workDir' | 'controlDir'>,
    hostModules: string,
    sandboxed: boolean,
  ): SandboxPaths {
    return sandboxed
      ? { work: INSIDE.work, control: INSIDE.control, modules: INSIDE.modules }
      : { work: request.workDir, control: request.controlDir, modules: hostModules };
  }

  /** Starts the program; throws when this worker cannot sandbox it (the reason says what to grant). */
  async start(request: SandboxRequest): Promise<SandboxedProcess> {
    const support = await this.support();
    const { env } = this.config;
    if (support.mode === 'unavailable') throw new SandboxUnavailableError(support.reason);
    if (support.mode === 'off')
      return new SandboxedProcess(
        {
          argv: request.command,
          env: request.env,
          cwd: request.workDir,
          workDir: request.workDir,
          diskBytes: env.SCRIPT_DISK_MB * 1024 * 1024,
        },
        request.onLine,
      );
    const memoryBytes = env.SCRIPT_MEMORY_MB * 1024 * 1024;
    const limits = await CgroupLimits.create(request.name, { memoryBytes, pids: env.SCRIPT_PROCESS_LIMIT });
    const argv = [
      'bwrap',
      ...bubblewrapArgs(
        {
          workDir: request.workDir,
          controlDir: request.controlDir,
          etcDir: await this.sandboxEtc(),
          packages: request.packages,
          // /tmp is memory: a quarter of the cap, so a full /tmp still leaves the code room to run.
          tmpBytes: Math.floor(memoryBytes / 4),
        },
        request.env,
        request.command,
      ),
    ];
    const process = new SandboxedProcess(
      {
        argv,
        env: { PATH: '/usr/bin:/bin' },
        cwd: request.workDir,
        workDir: request.workDir,
        diskBytes: env.SCRIPT_DISK_MB * 1024 * 1024,
        limits,
      },
      request.onLine,
    );
    void process.exit.then(() => limits.remove());
    return process;
  }

  /** The sandboxes' /etc: one folder per machine, the same for every worker (written whole, then renamed in). */
  private sandboxEtc(): Promise<string> {
    this.etcDir ??= (async () => {
      const dir = join(tmpdir(), 'stevedore-sandbox-etc');
      await mkdir(dir, { recursive: true });
      for (const [name, content] of Object.entries(SANDBOX_ETC)) {
        const staged = join(dir, `.${name}.${process.pid}`);
        await writeFile(staged, content);
        await rename(staged, join(dir, name));
      }
      return dir;
    })();
    return this.etcDir;
  }

  /** Can this machine give a program its namespaces and a capped cgroup? Tries both, for real. */
  private async probe(): Promise<SandboxSupport> {
    if (!cgroupLayout())
      return unavailable('no cgroup hierarchy with the memory and pids controllers is mounted at /sys/fs/cgroup');
    await removeStaleGroups();
    let limits: CgroupLimits | undefined;
    const scratch = await mkdtemp(join(tmpdir(), 'stevedore-sandbox-probe-'));
    try {
      limits = await CgroupLimits.create(`probe-${process.pid}`, { memoryBytes: 64 * 1024 * 1024, pids: 16 });
    } catch (error) {
      await rm(scratch, { recursive: true, force: true });
      return unavailable(`cannot make a cgroup for script runs: ${(error as Error).message}`);
    }
    try {
      await mkdir(join(scratch, 'work'));
      const args = bubblewrapArgs(
        { workDir: join(scratch, 'work'), controlDir: scratch, etcDir: scratch, packages: {}, tmpBytes: 1 << 20 },
        {},
        PROBE,
      );
      const result = await run('bwrap', args);
      if (result.error?.includes('ENOENT')) return unavailable('bubblewrap (bwrap) is not installed, or not on PATH');
      if (result.code !== 0)
        return unavailable(`bubblewrap cannot make the sandbox's namespaces: ${result.stderr.trim() || result.error}`);
      return { mode: 'bubblewrap' };
    } finally {
      await limits.remove();
      await rm(scratch, { recursive: true, force: true });
    }
  }
}

/**
 * Groups a killed worker left behind (empty: their processes died with it, but a group
 * outlives its processes). A group that still has members is in use and cannot be removed.
 */
async function removeStaleGroups(): Promise<void> {
  const layout = cgroupLayout();
  if (!layout) return;
  for (const root of new Set([layout.memory, layout.pids]))
    for (const group of await readdir(root).catch(() => [])) await rmdir(join(root, group)).catch(() => undefined);
}

/** Script runs were asked of a worker that cannot sandbox them. */
export class SandboxUnavailableError extends Error {
  constructor(reason: string) {
    super(`script runs need a sandbox, and this worker has none: ${reason}`);
  }
}

function unavailable(reason: string): SandboxSupport {
  const inContainer =
    existsSync('/.dockerenv') ||
    /docker|containerd|kubepods|lxc/.test(readFileSafe('/proc/1/cgroup')) ||
    existsSync('/run/.containerenv');
  const grant = inContainer
    ? ' In a container, bubblewrap needs to make user, mount and network namespaces (for example --security-opt seccomp=unconfined --security-opt apparmor=unconfined --cap-add SYS_ADMIN, or --privileged) and a writable cgroup (cgroup v2 with the memory and pids controllers delegated).'
    : ' Install bubblewrap (apt-get install bubblewrap), allow user namespaces (sysctl kernel.unprivileged_userns_clone=1 where the kernel has it) and run the worker where it may make cgroups.';
  return { mode: 'unavailable', reason: `${reason}.${grant} SCRIPT_SANDBOX=off runs them unsandboxed (not safe).` };
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function run(command: string, args: string[]): Promise<{ code: number | null; stderr: string; error?: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', (err) => resolve({ code: null, stderr, error: err.message }));
    child.once('close', (code) => resolve({ code, stderr }));
  });
}
