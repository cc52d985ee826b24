import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

const ROOT = '/sys/fs/cgroup';

export interface CgroupCaps {
  memoryBytes: number;
  /** Processes and threads at once. */
  pids: number;
}

/** What the kernel did to a sandbox's processes. */
export interface CgroupEvents {
  /** Processes the OOM killer ended for passing the memory cap. */
  oomKills: number;
  /** Forks refused for passing the process cap. */
  pidsRefused: number;
}

/**
 * A cgroup holding one sandbox's process tree: its memory (tmpfs included) and its count
 * of processes are capped by the kernel. cgroup v1 (a memory and a pids hierarchy) and
 * v2 (one unified hierarchy with both controllers) are supported; each sandbox's group
 * is made under the worker's own, so a group left by a crash goes with the worker's.
 */
export class CgroupLimits {
  private constructor(
    /** The group's folders: two on v1 (memory, pids), one on v2. */
    readonly dirs: { memory: string; pids: string },
    private readonly version: 1 | 2,
  ) {}

  /** The files a process writes its pid to, to join the group (the same file twice on v2). */
  get procsFiles(): [string, string] {
    return [join(this.dirs.memory, 'cgroup.procs'), join(this.dirs.pids, 'cgroup.procs')];
  }

  static async create(name: string, caps: CgroupCaps): Promise<CgroupLimits> {
    const layout = cgroupLayout();
    if (!layout) throw new Error('no cgroup hierarchy with the memory and pids controllers is mounted');
    if (layout.version === 2) {
      const dir = join(layout.memory, name);
      await mkdir(dir, { recursive: true });
      // The controllers must be handed down to the group (the kernel refuses it where the
      // worker's own group holds processes: the support check then says so).
      for (const parent of [dirname(layout.memory), layout.memory])
        await writeFile(join(parent, 'cgroup.subtree_control'), '+memory +pids').catch(() => undefined);
      await writeFile(join(dir, 'memory.max'), String(caps.memoryBytes));
      await writeFile(join(dir, 'memory.swap.max'), '0').catch(() => undefined);
      await writeFile(join(dir, 'pids.max'), String(caps.pids));
      return new CgroupLimits({ memory: dir, pids: dir }, 2);
    }
    const memory = join(layout.memory, name);
    const pids = join(layout.pids, name);
    await mkdir(memory, { recursive: true });
    await mkdir(pids, { recursive: true });
    await writeFile(join(memory, 'memory.limit_in_bytes'), String(caps.memoryBytes));
    // With swap accounting on, swap counts too: the cap is on memory, not a push to disk.
    await writeFile(join(memory, 'memory.memsw.limit_in_bytes'), String(caps.memoryBytes)).catch(() => undefined);
    await writeFile(join(pids, 'pids.max'), String(caps.pids));
    return new CgroupLimits({ memory, pids }, 1);
  }

  async events(): Promise<CgroupEvents> {
    const memoryEvents = await readFile(
      join(this.dirs.memory, this.version === 2 ? 'memory.events' : 'memory.oom_control'),
      'utf8',
    ).catch(() => '');
    const pidsEvents = await readFile(join(this.dirs.pids, 'pids.events'), 'utf8').catch(() => '');
    return { oomKills: counter(memoryEvents, 'oom_kill'), pidsRefused: counter(pidsEvents, 'max') };
  }

  /** The pids still in the group. */
  async members(): Promise<number[]> {
    const text = await readFile(this.procsFiles[1], 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter(Boolean)
      .map((pid) => Number(pid));
  }

  /** Kills every process left in the group (on v2 at once through cgroup.kill where the kernel has it). */
  async killAll(): Promise<void> {
    if (this.version === 2) await writeFile(join(this.dirs.pids, 'cgroup.kill'), '1').catch(() => undefined);
    for (const pid of await this.members()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  /** Removes the group once it is empty (a group with members cannot be removed). */
  async remove(): Promise<void> {
    for (let i = 0; i < 40 && (await this.members()).length > 0; i++) {
      await this.killAll();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await rmdir(this.dirs.memory).catch(() => undefined);
    if (this.dirs.pids !== this.dirs.memory) await rmdir(this.dirs.pids).catch(() => undefined);
  }
}

const counter = (text: string, key: string): number => {
  const match = new RegExp(`^${key} (\\d+)$`, 'm').exec(text);
  return match ? Number(match[1]) : 0;
};

/**
 * Where this process's groups are: v2 when the unified hierarchy has both controllers,
 * else v1's memory and pids hierarchies. Undefined when neither is there.
 */
export function cgroupLayout(): { version: 1 | 2; memory: string; pids: string } | undefined {
  let own: string[];
  try {
    own = readFileSync('/proc/self/cgroup', 'utf8').split('\n').filter(Boolean);
  } catch {
    return undefined;
  }
  const pathOf = (match: (controllers: string[]) => boolean) => {
    for (const line of own) {
      const [, controllers, path] = line.split(':');
      if (match(controllers.split(','))) return path;
    }
    return undefined;
  };
  const unified = pathOf((c) => c.length === 1 && c[0] === '');
  if (existsSync(join(ROOT, 'cgroup.controllers')) && unified !== undefined) {
    const dir = join(ROOT, unified);
    const controllers = readFileSync(join(ROOT, 'cgroup.controllers'), 'utf8');
    if (/\bmemory\b/.test(controllers) && /\bpids\b/.test(controllers))
      return { version: 2, memory: join(dir, 'stevedore-scripts'), pids: join(dir, 'stevedore-scripts') };
    return undefined;
  }
  const memory = pathOf((c) => c.includes('memory'));
  const pids = pathOf((c) => c.includes('pids'));
  if (memory === undefined || pids === undefined) return undefined;
  if (!existsSync(join(ROOT, 'memory')) || !existsSync(join(ROOT, 'pids'))) return undefined;
  return {
    version: 1,
    memory: join(ROOT, 'memory', memory, 'stevedore-scripts'),
    pids: join(ROOT, 'pids', pids, 'stevedore-scripts'),
  };
}
