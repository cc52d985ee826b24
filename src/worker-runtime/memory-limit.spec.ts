import { memoryLimit, shouldPause } from './memory-limit';

describe('memory guard decisions', () => {
  const GiB = 2 ** 30;

  it('pauses above the threshold and resumes only well below it', () => {
    expect(shouldPause(0.8 * GiB, GiB, 0.85, false)).toBe(false);
    expect(shouldPause(0.86 * GiB, GiB, 0.85, false)).toBe(true);
    // Paused: stays paused just under the line, resumes under 90 % of it.
    expect(shouldPause(0.8 * GiB, GiB, 0.85, true)).toBe(true);
    expect(shouldPause(0.7 * GiB, GiB, 0.85, true)).toBe(false);
  });

  it('takes a configured limit when no cgroup sets one, else the machine', () => {
    const limit = memoryLimit(512);
    expect(['cgroup', 'WORKER_MEMORY_LIMIT_MB']).toContain(limit.source);
    if (limit.source === 'WORKER_MEMORY_LIMIT_MB') expect(limit.bytes).toBe(512 * 2 ** 20);
    expect(memoryLimit(0).bytes).toBeGreaterThan(0);
  });
});
