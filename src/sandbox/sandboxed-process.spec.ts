import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CgroupEvents, CgroupLimits } from './cgroup-limits';
import { SandboxedProcess } from './sandboxed-process';

/** A cgroup stand-in: the files the launch shell writes its pid to, and the events the kernel would report. */
function fakeLimits(dir: string, events: CgroupEvents): CgroupLimits {
  return {
    procsFiles: [join(dir, 'memory.procs'), join(dir, 'pids.procs')],
    events: () => Promise.resolve(events),
    killAll: () => Promise.resolve(),
  } as unknown as CgroupLimits;
}

describe('SandboxedProcess', () => {
  let dir: string;
  let work: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sandboxed-process-'));
    work = await mkdtemp(join(tmpdir(), 'sandboxed-work-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  });

  const start = (events: CgroupEvents, diskBytes = 1 << 20) =>
    new SandboxedProcess(
      {
        argv: ['/bin/true'],
        env: { PATH: '/usr/bin:/bin' },
        cwd: work,
        workDir: work,
        diskBytes,
        limits: fakeLimits(dir, events),
      },
      () => undefined,
    ).exit;

  it('names the memory cap when the kernel OOM-killed a process and the program ended before the next look', async () => {
    expect((await start({ oomKills: 1, pidsRefused: 0 })).breach).toBe('memory');
  });

  it('names the process cap when forks were refused', async () => {
    expect((await start({ oomKills: 0, pidsRefused: 3 })).breach).toBe('processes');
  });

  it('names the disk cap when the work folder is past it at the end', async () => {
    await writeFile(join(work, 'big'), Buffer.alloc(2048));
    expect((await start({ oomKills: 0, pidsRefused: 0 }, 1024)).breach).toBe('disk');
  });

  it('names no cap for a program that stayed within them', async () => {
    expect(await start({ oomKills: 0, pidsRefused: 0 })).toMatchObject({ code: 0, breach: undefined });
  });
});
