import { spawnSync } from 'node:child_process';

/**
 * `promtool check metrics` on an exposition: its findings, one per line ('' when clean).
 * promtool comes from Debian's `prometheus` package (scripts/setup.sh's ensure_promtool);
 * without it the test fails saying so, as CI must run it.
 */
export function promtoolFindings(exposition: string): string {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
  if (result.error)
    throw new Error(
      `promtool is not installed (${result.error.message}): run ./scripts/setup.sh or apt-get install prometheus`,
    );
  const findings = `${result.stdout}${result.stderr}`.trim();
  if (result.status !== 0 && !findings) throw new Error(`promtool exited ${result.status} without a finding`);
  return findings;
}

/** Families declared (# TYPE) that have no sample: a scrape target that can never have a value. */
export function familiesWithoutSamples(exposition: string): string[] {
  const lines = exposition.split('\n');
  const declared = lines.filter((l) => l.startsWith('# TYPE ')).map((l) => l.split(' ')[2]!);
  const sampled = new Set(
    lines.filter((l) => l && !l.startsWith('#')).map((l) => l.split(/[{ ]/)[0]!.replace(/_(bucket|sum|count)$/, '')),
  );
  return declared.filter((family) => !sampled.has(family));
}
