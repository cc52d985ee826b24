import { setFlagsFromString } from 'node:v8';

/**
 * A crawl allocates ~150 MB/s of short-lived strings and trees around a live heap of tens
 * of MB. On a large machine V8 then lets the heap grow up to 4× what survived its last
 * full GC before collecting again, and a worker's resident memory follows (514 MiB in a
 * 1000-page crawl). A small growing factor keeps the heap near what is live at the price
 * of more frequent (concurrent) marking; unlike `--max-old-space-size` it is no limit, so
 * a worker whose work needs more memory gets it instead of dying with its jobs.
 * Measured in BENCHMARKS.md ("Performance (#22)", memory). V8 reads the flag at each GC,
 * so setting it at start, before the app is loaded, is the same as passing it to node.
 */
export function applyWorkerHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
