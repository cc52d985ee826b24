import { existsSync, lstatSync, realpathSync } from 'node:fs';
import { basename, dirname } from 'node:path';

/** Where a sandboxed program finds its things, as seen from inside. */
export const INSIDE = {
  /** The run's own folder: the only place it may write (besides its /tmp). */
  work: '/work',
  /** What the worker gives it read-only: its config, reporter and the browser's socket. */
  control: '/stevedore',
  /** The packages it may import. */
  modules: '/node_modules',
} as const;

export interface SandboxMounts {
  workDir: string;
  controlDir: string;
  /** A folder holding passwd, group and hosts for the sandbox's /etc. */
  etcDir: string;
  /** Host package folders, bound read-only under /node_modules/<name>. */
  packages: Record<string, string>;
  /** Size of the sandbox's /tmp (a tmpfs: it counts against the memory cap). */
  tmpBytes: number;
}

/** The folder Node is installed in, when it is not under /usr (bound read-only at the same path). */
export function nodeInstallDir(execPath = process.execPath): string | undefined {
  const real = realpathSync(execPath);
  if (real.startsWith('/usr/')) return undefined;
  return basename(dirname(real)) === 'bin' ? dirname(dirname(real)) : dirname(real);
}

/** / as the sandbox sees it: /usr read-only, and /bin, /lib... as on the host (links into /usr, or binds). */
function systemMounts(): string[] {
  const args = ['--ro-bind', '/usr', '/usr'];
  for (const dir of ['/bin', '/sbin', '/lib', '/lib64', '/lib32', '/libx32']) {
    if (!existsSync(dir)) continue;
    const link = lstatSync(dir).isSymbolicLink();
    args.push(...(link ? ['--symlink', realpathSync(dir).slice(1), dir] : ['--ro-bind', dir, dir]));
  }
  return args;
}

/**
 * bubblewrap's arguments for one sandbox: every namespace of its own (user, pid, net with
 * only a loopback, ipc, uts, cgroup), no capabilities, an empty environment but `env`, and
 * a file system that holds the system's programs and libraries (read-only), Node, the
 * allowed packages, the control folder (read-only), the work folder and a /tmp of its own
 * (the only two it may write) and nothing else of the host: not the app, its .env, other
 * runs or /etc.
 */
export function bubblewrapArgs(mounts: SandboxMounts, env: Record<string, string>, command: string[]): string[] {
  const node = nodeInstallDir();
  return [
    '--unshare-all',
    '--unshare-user',
    '--uid',
    '1000',
    '--gid',
    '1000',
    '--hostname',
    'sandbox',
    '--cap-drop',
    'ALL',
    '--die-with-parent',
    '--new-session',
    '--clearenv',
    ...Object.entries(env).flatMap(([key, value]) => ['--setenv', key, value]),
    ...systemMounts(),
    ...(node ? ['--ro-bind', node, node] : []),
    ...Object.entries(mounts.packages).flatMap(([name, dir]) => ['--ro-bind', dir, `${INSIDE.modules}/${name}`]),
    '--ro-bind',
    mounts.etcDir,
    '/etc',
    '--ro-bind',
    mounts.controlDir,
    INSIDE.control,
    '--bind',
    mounts.workDir,
    INSIDE.work,
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--size',
    String(mounts.tmpBytes),
    '--tmpfs',
    '/tmp',
    // bubblewrap's own root is a writable tmpfs (the folders the mounts hang on): read-only,
    // so /work and /tmp are the only places the code can write.
    '--remount-ro',
    '/',
    '--chdir',
    INSIDE.work,
    '--',
    ...command,
  ];
}

/** The sandbox's /etc: a user to be, and localhost; none of the host's files. */
export const SANDBOX_ETC: Record<string, string> = {
  passwd: 'root:x:0:0:root:/tmp:/bin/sh\nsandbox:x:1000:1000:sandbox:/tmp:/bin/sh\n',
  group: 'root:x:0:\nsandbox:x:1000:\n',
  hosts: '127.0.0.1 localhost\n::1 localhost\n',
};
