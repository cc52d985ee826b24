import { spawn, type ChildProcess } from 'node:child_process';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { CgroupLimits } from './cgroup-limits';

/** A cap the code went past: the kernel or the watch stopped it. */
export type Breach = 'memory' | 'processes' | 'disk';

export interface SandboxExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Why the sandbox was stopped for the code's doing, if it was. */
  breach?: Breach;
  /** What the program wrote to stderr, its last 64 KiB. */
  stderr: string;
}

export interface SandboxLaunch {
  /** The program and its arguments: bubblewrap's, or the program's own when unsandboxed. */
  argv: string[];
  env: Record<string, string>;
  /** Folder it runs in (unsandboxed; bubblewrap sets its own). */
  cwd: string;
  /** The folder whose size is capped. */
  workDir: string;
  diskBytes: number;
  /** The cgroup holding it; none when unsandboxed. */
  limits?: CgroupLimits;
}

const STDERR_KEPT = 64 * 1024;
const MAX_LINE = 4 * 1024 * 1024;
const MAX_FILES = 50_000;
const CAP_CHECK_MS = 250;
const DISK_CHECK_MS = 500;

/**
 * One sandboxed program: started in its cgroup (the shell joins the group, then execs
 * prlimit, which caps the size of any one file and turns off core dumps, then execs
 * bubblewrap), watched for the caps the kernel does not stop by itself (a fork refused,
 * the work folder's size), and killed, whole tree, on `kill()` or a breach. Lines the
 * program writes to fd 3 are handed to `onLine`.
 */
export class SandboxedProcess {
  readonly exit: Promise<SandboxExit>;
  private readonly child: ChildProcess;
  private breach?: Breach;
  private stderr = '';
  private watch?: NodeJS.Timeout;
  private diskWatch?: NodeJS.Timeout;

  constructor(
    private readonly launch: SandboxLaunch,
    onLine: (line: string) => void,
  ) {
    const { argv, env, cwd, limits, diskBytes } = launch;
    const command = limits
      ? [
          '/bin/sh',
          '-c',
          'echo $$ > "$1" && echo $$ > "$2" && shift 2 && exec "$@"',
          'sh',
          ...limits.procsFiles,
          'prlimit',
          `--fsize=${diskBytes}`,
          '--core=0',
          '--',
          ...argv,
        ]
      : argv;
    this.child = spawn(command[0], command.slice(1), {
      cwd,
      env,
      detached: true,
      stdio: ['pipe', 'ignore', 'pipe', 'pipe'],
    });
    this.child.stdin!.on('error', () => undefined);
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-STDERR_KEPT);
    });
    readLines(this.child.stdio[3] as Readable, onLine);
    this.exit = new Promise<SandboxExit>((resolve) => {
      this.child.once('error', (err) => {
        this.stderr += `\n${err.message}`;
        resolve({ code: null, signal: null, stderr: this.stderr });
      });
      this.child.once('close', (code, signal) => {
        this.stopWatching();
        // The kernel may have stopped the code between two looks (an OOM kill ends the test's
        // worker, and the runner then exits at once): one last look names the cap it hit.
        void this.lastLook().then(() => resolve({ code, signal, breach: this.breach, stderr: this.stderr }));
      });
    });
    if (limits) this.watch = setInterval(() => void this.checkCaps(limits), CAP_CHECK_MS);
    this.diskWatch = setInterval(() => void this.checkDisk(), DISK_CHECK_MS);
  }

  /** Writes to the program's stdin (a sandbox started ahead waits there for its run). */
  send(text: string): void {
    this.child.stdin?.write(text);
  }

  /** Kills the whole tree and waits for it to be gone (bounded: a tree in the kernel's hands may take a moment). */
  async kill(): Promise<SandboxExit> {
    this.stopWatching();
    try {
      // The group of the shell → prlimit → bubblewrap chain; bubblewrap's own child dies
      // with it (--die-with-parent) and takes its pid namespace with it.
      if (this.child.pid) process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await this.launch.limits?.killAll();
    return this.exit;
  }

  private async stop(breach: Breach): Promise<void> {
    if (this.breach) return;
    this.breach = breach;
    await this.kill();
  }

  private async lastLook(): Promise<void> {
    if (this.breach) return;
    const { limits } = this.launch;
    const events = await limits?.events().catch(() => undefined);
    if (events?.oomKills) this.breach = 'memory';
    else if (events?.pidsRefused) this.breach = 'processes';
    else if ((await folderSize(this.launch.workDir, MAX_FILES).catch(() => 0)) > this.launch.diskBytes)
      this.breach = 'disk';
  }

  private async checkCaps(limits: CgroupLimits): Promise<void> {
    const { oomKills, pidsRefused } = await limits.events();
    if (oomKills > 0) await this.stop('memory');
    else if (pidsRefused > 0) await this.stop('processes');
  }

  private async checkDisk(): Promise<void> {
    const used = await folderSize(this.launch.workDir, MAX_FILES).catch(() => 0);
    if (used > this.launch.diskBytes) await this.stop('disk');
  }

  private stopWatching(): void {
    clearInterval(this.watch);
    clearInterval(this.diskWatch);
  }
}

/** Bytes under `dir` (links not followed); past `maxFiles` entries it counts as infinite. */
export async function folderSize(dir: string, maxFiles: number): Promise<number> {
  let total = 0;
  let files = 0;
  const pending = [dir];
  while (pending.length) {
    const current = pending.pop()!;
    for (const entry of await readdir(current, { withFileTypes: true }).catch(() => [])) {
      if (++files > maxFiles) return Infinity;
      const path = join(current, entry.name);
      if (entry.isDirectory()) pending.push(path);
      else total += (await lstat(path).catch(() => ({ size: 0 }))).size;
    }
  }
  return total;
}

function readLines(stream: Readable, onLine: (line: string) => void): void {
  let buffer = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffer += chunk;
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (line) onLine(line);
    }
    // A line longer than any report line is noise: dropped rather than held.
    if (buffer.length > MAX_LINE) buffer = '';
  });
  stream.on('error', () => undefined);
}
