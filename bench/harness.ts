import { cpus, totalmem } from 'node:os';

export interface Figure {
  scenario: string;
  metric: string;
  unit: string;
  /** Median over the repetitions. */
  stevedore: number;
  bare: number;
  /** stevedore / bare (for rates: higher is better). */
  ratio: number;
  target?: string;
  samples: { stevedore: number[]; bare: number[] };
}

/** The value below which p % of the samples fall (nearest rank). */
export const percentile = (values: number[], p: number): number =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))];

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * Runs the two sides alternately, so drift on the machine hits both alike, after one
 * uncounted warm-up of each (JIT, connection pools).
 */
export async function alternate(reps: number, stevedore: () => Promise<number>, bare: () => Promise<number>) {
  await bare();
  await stevedore();
  const samples = { stevedore: [] as number[], bare: [] as number[] };
  for (let i = 0; i < reps; i++) {
    samples.bare.push(await bare());
    samples.stevedore.push(await stevedore());
  }
  return samples;
}

export function machine() {
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
}

export function table(figures: Figure[]): string {
  // Figures without a bare counterpart show only the Stevedore side.
  const rows = figures.map((f) => [
    f.scenario,
    `${f.metric} (${f.unit})`,
    f.stevedore.toFixed(1),
    f.bare || f.unit === 'count' ? f.bare.toFixed(1) : '',
    f.bare && f.ratio ? f.ratio.toFixed(2) : '',
    f.target ?? '',
  ]);
  const head = ['scenario', 'figure', 'stevedore', 'bare', 'ratio', 'target'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
