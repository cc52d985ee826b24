import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time (user + system) a process has used, in ms (/proc clock ticks are 10 ms), with
 * that of its children that ended (PostgreSQL's backends come and go: the postmaster's
 * count keeps theirs once they have ended).
 */
export function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return 0; // gone meanwhile (a PostgreSQL backend that ended)
  }
}

/** CPU time (user + system) of the process alone, in ms: without its children. */
export function ownCpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** Every process whose command name (/proc/<pid>/comm) starts with `name`: postgres, redis-server. */
export function pidsNamed(name: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').startsWith(name)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/**
 * CPU ms used by each named part between `start()` and `stop()`: how a benchmark says
 * which process the time went to. PostgreSQL and Redis are every process of that name
 * (their backends come and go; one that ended in between is not counted).
 */
export class CpuSplit {
  private before: Record<string, number> = {};

  constructor(private readonly parts: Record<string, () => number[]>) {}

  private read(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [part, pids] of Object.entries(this.parts)) out[part] = pids().reduce((sum, pid) => sum + cpuMs(pid), 0);
    out.benchmark = Math.round(process.cpuUsage().user / 1000 + process.cpuUsage().system / 1000);
    return out;
  }

  start(): void {
    this.before = this.read();
  }

  /** CPU ms per part since start(). */
  stop(): Record<string, number> {
    const after = this.read();
    return Object.fromEntries(Object.entries(after).map(([part, ms]) => [part, ms - (this.before[part] ?? 0)]));
  }
}
