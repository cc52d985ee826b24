/* eslint-disable no-console */
import { readFileSync } from 'node:fs';

/**
 * `node -r @swc-node/register bench/cpu-profile-summary.ts <file.cpuprofile>`: where a
 * process spent its CPU, as self time by package (or our own src/, or node: internals) and
 * by function. How the enqueue path was read for BENCHMARKS.md.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const profile = JSON.parse(readFileSync(process.argv[2], 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);

const owner = (url: string): string => {
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.includes('/dist/') || url.includes('/src/')) return 'stevedore';
  if (url.startsWith('node:')) return 'node:internals';
  return url ? 'other' : '(native, gc, idle)';
};
const packages = new Map<string, number>();
const functions = new Map<string, number>();
for (const [id, us] of self) {
  const { callFrame } = byId.get(id)!;
  const who = owner(callFrame.url);
  packages.set(who, (packages.get(who) ?? 0) + us);
  const fn = `${callFrame.functionName || '(anonymous)'} ${who} ${callFrame.url.split('/').slice(-1)[0]}:${callFrame.lineNumber}`;
  functions.set(fn, (functions.get(fn) ?? 0) + us);
}
const show = (m: Map<string, number>, n: number) =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .forEach(([k, us]) => console.log(`${((100 * us) / total).toFixed(1).padStart(5)} %  ${k}`));
// Inclusive: each sample counts once for every package on its stack (what a layer costs with what it calls).
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const inclusive = new Map<string, number>();
let busy = 0;
profile.samples.forEach((id, i) => {
  const us = profile.timeDeltas[i] ?? 0;
  if (byId.get(id)!.callFrame.functionName === '(idle)') return;
  busy += us;
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const frame = byId.get(at)!.callFrame;
    const who = frame.url ? owner(frame.url) : `${frame.functionName || '(root)'}`;
    if (!seen.has(who)) {
      seen.add(who);
      inclusive.set(who, (inclusive.get(who) ?? 0) + us);
    }
  }
});
console.log(
  `total ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy\n-- inclusive, % of busy time`,
);
[...inclusive.entries()]
  .sort((a, b) => b[1] - a[1])
  .slice(0, 30)
  .forEach(([k, us]) => console.log(`${((100 * us) / busy).toFixed(1).padStart(5)} %  ${k}`));
console.log('-- self, by package (% of all samples)');
show(packages, 25);
console.log('-- by function');
show(functions, 30);
