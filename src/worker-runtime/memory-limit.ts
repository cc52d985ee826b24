import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';

/** No real limit: cgroup v1 reports "unlimited" as a number near 2^63. */
const UNLIMITED = 2 ** 60;

function readBytes(path: string): number | undefined {
  try {
    const raw = readFileSync(path, 'utf8').trim();
    if (raw === 'max') return undefined;
    const bytes = Number(raw);
    return Number.isFinite(bytes) && bytes > 0 && bytes < UNLIMITED ? bytes : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The memory this process may use, and where the figure comes from: its cgroup's limit
 * (v2, then v1), else WORKER_MEMORY_LIMIT_MB (e.g. pm2's max_memory_restart, which the
 * process cannot read), else the machine's memory.
 */
export function memoryLimit(configuredMb: number): {
  bytes: number;
  source: 'cgroup' | 'WORKER_MEMORY_LIMIT_MB' | 'machine';
} {
  const cgroup = readBytes('/sys/fs/cgroup/memory.max') ?? readBytes('/sys/fs/cgroup/memory/memory.limit_in_bytes');
  if (cgroup) return { bytes: cgroup, source: 'cgroup' };
  if (configuredMb > 0) return { bytes: configuredMb * 2 ** 20, source: 'WORKER_MEMORY_LIMIT_MB' };
  return { bytes: totalmem(), source: 'machine' };
}

/**
 * Whether the worker should be paused: above the threshold it pauses; it resumes only
 * once below 90 % of the threshold, so it does not flap around the line.
 */
export function shouldPause(rssBytes: number, limitBytes: number, threshold: number, paused: boolean): boolean {
  const used = rssBytes / limitBytes;
  return paused ? used >= threshold * 0.9 : used >= threshold;
}
