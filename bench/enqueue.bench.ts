import autocannon from 'autocannon';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { AppProcess } from '../test/helpers/app-process';
import { FIVE_STEPS } from '../test/helpers/five-step-run';
import { freePort } from '../test/helpers/free-port';
import { TEST_API_KEY, TEST_REDIS_URL } from '../test/helpers/test-env';
import { Figure, median } from './harness';
import { cpuMs, pidsNamed } from './process-cpu';
import { rssMiB } from './process-memory';

const SECONDS = Number(process.env.BENCH_ENQUEUE_SECONDS ?? 10);
const CONNECTIONS = 50;

/** The body both sides accept: the README's five-step run. */
const RUN = JSON.stringify({
  name: 'enqueue benchmark',
  baseUrl: 'http://127.0.0.1:9',
  steps: FIVE_STEPS,
});

function load(url: string, headers: Record<string, string> = {}): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        method: 'POST',
        connections: CONNECTIONS,
        duration: SECONDS,
        headers: { 'content-type': 'application/json', ...headers },
        body: RUN,
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

export const BARE_JOBS_TABLE = `CREATE TABLE IF NOT EXISTS bare_jobs (
  id uuid PRIMARY KEY, data jsonb NOT NULL, status varchar(16) NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now())`;

/**
 * `POST /api/runs` (API key, validation, the egress check, capacity, logging at info to a
 * file) under 50 connections for a fixed time, against a bare Fastify server that only
 * inserts with `pg` and adds a BullMQ job. No worker runs: this is the accept path alone.
 * BENCH_PROFILE=1 writes a CPU profile of the API under that load to bench/results.
 */
export async function enqueueBenchmark(
  env: Record<string, string>,
  reps: number,
  databaseUrl: string,
  nodeArgs: string[],
): Promise<Figure[]> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  await db.query(BARE_JOBS_TABLE);
  const logs = mkdtempSync(join(tmpdir(), 'stevedore-bench-enqueue-'));
  const [apiPort, barePort, guardedPort] = [await freePort(), await freePort(), await freePort()];
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${join(__dirname, 'results')}`] : [];
  const api = new AppProcess({
    env: {
      ...env,
      APP_PORT: String(apiPort),
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
      QUEUED_CAPACITY: '1000000',
      ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
      RECONCILE_INTERVAL_MS: '0',
      // The accept path itself, not a key's request rate (RATE_LIMIT_PER_SECOND).
      RATE_LIMIT_PER_SECOND: '0',
    },
    logFile: join(logs, 'api.log'),
    nodeArgs: [...nodeArgs, ...profile],
  });
  const bare = new AppProcess({
    entry: join(__dirname, 'bare', 'enqueue-server.ts'),
    env: {
      DATABASE_URL: databaseUrl,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: env.QUEUE_PREFIX,
      PORT: String(barePort),
    },
    logFile: join(logs, 'bare.log'),
    nodeArgs,
  });
  const guarded = new AppProcess({
    entry: join(__dirname, 'bare', 'guarded-enqueue-server.ts'),
    env: {
      DATABASE_URL: databaseUrl,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: env.QUEUE_PREFIX,
      PORT: String(guardedPort),
      API_KEY: TEST_API_KEY,
    },
    logFile: join(logs, 'guarded.log'),
    nodeArgs,
  });
  const queues = ['test-runs', 'bare-runs'].map(
    (name) => new Queue(name, { connection: { url: TEST_REDIS_URL }, prefix: env.QUEUE_PREFIX }),
  );
  const redis = new Redis(TEST_REDIS_URL);
  type Side = 'stevedore' | 'bare' | 'guarded';
  const results = {
    stevedore: [] as autocannon.Result[],
    bare: [] as autocannon.Result[],
    guarded: [] as autocannon.Result[],
  };
  /**
   * CPU µs per request of the server under test and of PostgreSQL + Redis, per round: steadier
   * than requests/s on a machine whose cores the load generator and the databases share.
   */
  type CpuRound = { server: number; stores: number };
  const cpu = { stevedore: [] as CpuRound[], bare: [] as CpuRound[], guarded: [] as CpuRound[] };
  const measured = async (side: Side, pid: number, run: () => Promise<autocannon.Result>) => {
    const stores = () => [...pidsNamed('postgres'), ...pidsNamed('redis-server')].reduce((t, p) => t + cpuMs(p), 0);
    const [server0, stores0] = [cpuMs(pid), stores()];
    const result = await run();
    const requests = result.requests.total || 1;
    cpu[side].push({
      server: ((cpuMs(pid) - server0) * 1000) / requests,
      stores: ((stores() - stores0) * 1000) / requests,
    });
    return result;
  };
  // Each side starts from empty tables and queues.
  const clean = async () => {
    await db.query('TRUNCATE runs, bare_jobs CASCADE');
    for (const queue of queues) await queue.obliterate({ force: true });
    // The capacity counters (the platform's, each project's) and the fair layer's lines.
    const keys = [
      ...(await redis.keys(`${env.QUEUE_PREFIX}:capacity:*`)),
      ...(await redis.keys(`${env.QUEUE_PREFIX}:fair:*`)),
    ];
    if (keys.length) await redis.del(...keys);
  };
  try {
    await Promise.all([
      api.waitHealthy(`http://127.0.0.1:${apiPort}/api/health`),
      bare.waitHealthy(`http://127.0.0.1:${barePort}/health`),
      guarded.waitHealthy(`http://127.0.0.1:${guardedPort}/health`),
    ]);
    await new Promise((r) => setTimeout(r, 5000));
    const idle = { api: rssMiB(api.child.pid!), bare: rssMiB(bare.child.pid!) };
    await clean();
    const round = async (side: Side, pid: number, url: string, headers?: Record<string, string>) => {
      const result = await measured(side, pid, () => load(url, headers));
      results[side].push(result);
      await clean();
      return result.requests.average;
    };
    const sides: Record<Side, () => Promise<number>> = {
      stevedore: () =>
        round('stevedore', api.child.pid!, `http://127.0.0.1:${apiPort}/api/runs`, { 'x-api-key': TEST_API_KEY }),
      bare: () => round('bare', bare.child.pid!, `http://127.0.0.1:${barePort}/jobs`),
      guarded: () =>
        round('guarded', guarded.child.pid!, `http://127.0.0.1:${guardedPort}/jobs`, { 'x-api-key': TEST_API_KEY }),
    };
    // One uncounted warm-up of each, then the three take turns, so drift hits them alike.
    const order: Side[] = ['bare', 'guarded', 'stevedore'];
    for (const side of order) await sides[side]();
    const samples = { stevedore: [] as number[], bare: [] as number[], guarded: [] as number[] };
    for (let i = 0; i < reps; i++) for (const side of order) samples[side].push(await sides[side]());
    // The warm-up of each side is the first result: not counted.
    const [s, b, g] = [results.stevedore.slice(1), results.bare.slice(1), results.guarded.slice(1)];
    const latency = (rs: autocannon.Result[], p: 'p50' | 'p99') => median(rs.map((r) => r.latency[p]));
    const non2xx = (rs: autocannon.Result[]) => rs.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0);
    const [rs, rb] = [median(samples.stevedore), median(samples.bare)];
    const [p50s, p50b, p99s, p99b] = [latency(s, 'p50'), latency(b, 'p50'), latency(s, 'p99'), latency(b, 'p99')];
    const what = `POST /api/runs, ${CONNECTIONS} connections × ${SECONDS} s`;
    const cpuOf = (side: Side, part: 'server' | 'stores') => median(cpu[side].slice(1).map((c) => c[part]));
    // CPU per request of one side (or the guarded server) against the bare server.
    const cpuFigures = (side: 'stevedore' | 'guarded', label: string): Figure[] =>
      (
        [
          ['server', `CPU per request of the server process${label}`],
          ['stores', `CPU per request of PostgreSQL and Redis together${label}`],
        ] as const
      ).map(([part, metric]) => ({
        scenario: 'enqueue',
        metric,
        unit: 'µs',
        stevedore: cpuOf(side, part),
        bare: cpuOf('bare', part),
        ratio: cpuOf(side, part) / cpuOf('bare', part),
        target: '',
        samples: { stevedore: cpu[side].map((c) => c[part]), bare: cpu.bare.map((c) => c[part]) },
      }));
    return [
      {
        scenario: 'enqueue',
        metric: `requests/s, ${what}`,
        unit: '1/s',
        stevedore: rs,
        bare: rb,
        ratio: rs / rb,
        target: '>= 0.8',
        samples: { stevedore: samples.stevedore, bare: samples.bare },
      },
      // What the platform's checks cost without the framework, and what the framework costs.
      {
        scenario: 'enqueue',
        metric: `requests/s, the bare server with the platform's own checks (auth, validation, admission, a log line), against the bare server`,
        unit: '1/s',
        stevedore: median(samples.guarded),
        bare: rb,
        ratio: median(samples.guarded) / rb,
        target: '',
        samples: { stevedore: samples.guarded, bare: samples.bare },
      },
      {
        scenario: 'enqueue',
        metric: `requests/s, ${what}, against the bare server with the platform's own checks`,
        unit: '1/s',
        stevedore: rs,
        bare: median(samples.guarded),
        ratio: rs / median(samples.guarded),
        target: '',
        samples: { stevedore: samples.stevedore, bare: samples.guarded },
      },
      {
        scenario: 'enqueue',
        metric: "latency p99 of the bare server with the platform's own checks, against the bare server",
        unit: 'ms',
        stevedore: latency(g, 'p99'),
        bare: p99b,
        ratio: latency(g, 'p99') / p99b,
        target: '',
        samples: { stevedore: g.map((r) => r.latency.p99), bare: b.map((r) => r.latency.p99) },
      },
      {
        scenario: 'enqueue',
        metric: 'latency p50',
        unit: 'ms',
        stevedore: p50s,
        bare: p50b,
        ratio: p50s / p50b,
        target: '',
        samples: { stevedore: s.map((r) => r.latency.p50), bare: b.map((r) => r.latency.p50) },
      },
      {
        scenario: 'enqueue',
        metric: 'latency p99',
        unit: 'ms',
        stevedore: p99s,
        bare: p99b,
        ratio: p99s / p99b,
        target: '<= 2 (ratio)',
        samples: { stevedore: s.map((r) => r.latency.p99), bare: b.map((r) => r.latency.p99) },
      },
      ...cpuFigures('stevedore', ''),
      ...cpuFigures('guarded', ", the bare server with the platform's own checks"),
      {
        scenario: 'idle',
        metric: 'RSS of an idle API (bare: the Fastify server)',
        unit: 'MiB',
        stevedore: idle.api,
        bare: idle.bare,
        ratio: idle.api / idle.bare,
        target: '< 200 MB',
        samples: { stevedore: [], bare: [] },
      },
      {
        scenario: 'enqueue',
        metric: 'non-2xx responses, errors and timeouts (all counted repetitions; bare: both bare servers)',
        unit: 'count',
        stevedore: non2xx(s),
        bare: non2xx(b) + non2xx(g),
        ratio: 0,
        target: '0',
        samples: { stevedore: [], bare: [] },
      },
    ];
  } finally {
    for (const queue of queues) await queue.close();
    redis.disconnect();
    await db.end();
    await Promise.all([api.stop(), bare.stop(), guarded.stop()]);
  }
}
