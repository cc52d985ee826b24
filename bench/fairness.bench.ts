import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { AppProcess } from '../test/helpers/app-process';
import { freePort } from '../test/helpers/free-port';
import { TEST_API_KEY, uniquePrefix } from '../test/helpers/test-env';
import { TestSite } from '../test/helpers/test-site';
import { Figure, median, percentile } from './harness';

/** A's flood, B's runs (one at a time while A floods), and how long each run's page takes. */
const FLOOD = Number(process.env.BENCH_FAIR_FLOOD ?? 200);
const B_RUNS = Number(process.env.BENCH_FAIR_B_RUNS ?? 10);
const PAGE_MS = 500;
const SLOTS = 2;

interface Side {
  waits: number[];
  runMs: number;
}

async function call(base: string, key: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${base}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status >= 300) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

/**
 * One side: an API and a worker (SLOTS runs at once), project A posts FLOOD short runs,
 * then project B posts B_RUNS runs one after the other; B's queue waits (created to started).
 */
async function side(
  env: Record<string, string>,
  fair: boolean,
  db: Client,
  site: TestSite,
  logs: string,
): Promise<Side> {
  const [apiPort, workerPort] = [await freePort(), await freePort()];
  const shared = {
    ...env,
    QUEUE_PREFIX: uniquePrefix(),
    FAIR_DISPATCH: String(fair),
    WORKER_CONCURRENCY: String(SLOTS),
    RUNNING_CAPACITY: String(SLOTS),
    QUEUED_CAPACITY: '100000',
    ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
    RECONCILE_INTERVAL_MS: '0',
    // A floods faster than a key's default request rate.
    RATE_LIMIT_PER_SECOND: '0',
  };
  const api = new AppProcess({
    env: { ...shared, APP_PORT: String(apiPort) },
    logFile: join(logs, `api-${fair}.log`),
  });
  const worker = new AppProcess({
    env: { ...shared, IS_WORKER: 'true', APP_WORKER_PORT: String(workerPort) },
    logFile: join(logs, `worker-${fair}.log`),
  });
  const base = `http://127.0.0.1:${apiPort}`;
  const projects: string[] = [];
  try {
    await Promise.all([
      api.waitHealthy(`${base}/api/health`, 120000),
      worker.waitHealthy(`http://127.0.0.1:${workerPort}/api/health`, 120000),
    ]);
    const project = async (name: string) => {
      const { id } = await call(base, TEST_API_KEY, '/api/projects', { name: `${name}-${randomUUID().slice(0, 8)}` });
      projects.push(id as string);
      const { key } = await call(base, TEST_API_KEY, `/api/projects/${id as string}/keys`, {
        name: 'bench',
        scopes: ['trigger'],
      });
      return key as string;
    };
    const [a, b] = [await project('flood'), await project('one-off')];
    const run = (name: string) => ({
      name,
      baseUrl: site.base,
      steps: [{ action: 'goto', url: '/slow' }],
      options: { trace: 'off' },
    });
    // A keeps FLOOD runs waiting: topped up before each of B's runs.
    const flood = async () => {
      const { rows } = await db.query(
        `SELECT count(*)::int AS n FROM runs WHERE project_id = $1 AND status = 'queued'`,
        [projects[0]],
      );
      const missing = FLOOD - (rows[0].n as number);
      for (let i = 0; i < missing; i += 25)
        await Promise.all(
          Array.from({ length: Math.min(25, missing - i) }, (_, j) => call(base, a, '/api/runs', run(`a-${i + j}`))),
        );
    };
    await flood();
    const ended = async (projectId: string) =>
      (
        await db.query(`SELECT count(*)::int AS n FROM runs WHERE project_id = $1 AND finished_at IS NOT NULL`, [
          projectId,
        ])
      ).rows[0].n as number;
    while ((await ended(projects[0])) < 2) await new Promise((r) => setTimeout(r, 200));
    // B has one run at a time: the next is posted once the last ended, so each wait is a
    // lone run's against A's flood (not B's own line).
    const bIds: string[] = [];
    const hasEnded = async (id: string) =>
      (await db.query(`SELECT finished_at IS NOT NULL AS done FROM runs WHERE id = $1`, [id])).rows[0].done as boolean;
    for (let i = 0; i < B_RUNS; i++) {
      await flood();
      const id = (await call(base, b, '/api/runs', run(`b-${i}`))).id as string;
      bIds.push(id);
      while (!(await hasEnded(id))) await new Promise((r) => setTimeout(r, 200));
    }
    // Today's behaviour waits for A's whole queue: up to FLOOD runs' time over SLOTS.
    while ((await ended(projects[1])) < B_RUNS) await new Promise((r) => setTimeout(r, 500));
    const { rows } = await db.query(
      `SELECT extract(epoch FROM started_at - created_at) * 1000 AS wait FROM runs WHERE id = ANY($1)`,
      [bIds],
    );
    const { rows: durations } = await db.query(
      `SELECT extract(epoch FROM finished_at - started_at) * 1000 AS ms FROM runs WHERE project_id = $1 AND finished_at IS NOT NULL`,
      [projects[0]],
    );
    return {
      waits: rows.map((r: { wait: string }) => Number(r.wait)),
      runMs: median(durations.map((r: { ms: string }) => Number(r.ms))),
    };
  } finally {
    await db.query(
      `UPDATE runs SET status = 'cancelled', finished_at = now() WHERE project_id = ANY($1) AND status IN ('queued', 'running')`,
      [projects],
    );
    await Promise.all([api.stop(), worker.stop()]);
  }
}

/**
 * `pnpm bench fairness`: B's queue wait while A floods, through the fair layer
 * (FAIR_DISPATCH=true, the "stevedore" column) against one shared FIFO queue
 * (FAIR_DISPATCH=false, today's behaviour before it, the "bare" column). One repetition of
 * each: the FIFO side takes minutes by design.
 */
export async function fairnessBenchmark(env: Record<string, string>, databaseUrl: string): Promise<Figure[]> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const site = await new TestSite({
    '/slow': (_req, res) => {
      setTimeout(() => res.writeHead(200, { 'content-type': 'text/html' }).end('<title>Slow</title>'), PAGE_MS);
    },
  }).start();
  const logs = mkdtempSync(join(tmpdir(), 'stevedore-bench-fairness-'));
  try {
    const fair = await side(env, true, db, site, logs);
    const fifo = await side(env, false, db, site, logs);
    const what = `B's queue wait, A flooding ${FLOOD} runs, ${SLOTS} slots`;
    const figure = (metric: string, s: number, b: number, target = ''): Figure => ({
      scenario: 'fairness',
      metric,
      unit: 'ms',
      stevedore: s,
      bare: b,
      ratio: s / b,
      target,
      samples: { stevedore: fair.waits, bare: fifo.waits },
    });
    return [
      figure(`${what}, p50 (bare: one FIFO queue)`, percentile(fair.waits, 50), percentile(fifo.waits, 50)),
      figure(
        `${what}, p95 (bare: one FIFO queue)`,
        percentile(fair.waits, 95),
        percentile(fifo.waits, 95),
        `<= run + 1000 (${Math.round(fair.runMs + 1000)})`,
      ),
      figure("median duration of A's runs", fair.runMs, fifo.runMs),
    ];
  } finally {
    await site.stop();
    await db.end();
  }
}
