import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { DISPATCH } from '../src/queues/fair/fair-scripts';
import { AppProcess } from './helpers/app-process';
import { freePort } from './helpers/free-port';
import { pollUntil } from './helpers/poll';
import { Stack } from './helpers/stack';
import { baseEnv, TEST_API_KEY, TEST_DATABASE_URL, TEST_REDIS_URL, uniquePrefix } from './helpers/test-env';
import { TestSite } from './helpers/test-site';

const FINAL = ['passed', 'failed', 'error', 'cancelled', 'timed_out'];
/** How long the page each run visits takes to answer: what makes a run's duration known. */
const PAGE_MS = 1000;

interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

interface RunTimes {
  status: string;
  attempt: number;
  created: number;
  started: number | null;
  finished: number | null;
}

/**
 * Fair sharing between projects (README, "Fair sharing"), with real API and worker
 * processes, Redis, PostgreSQL and Chromium: a project's flood does not hold back another
 * project's run, per-project running and queued limits hold, a run cancelled while it
 * waits in its project's line never runs, and a job popped by a dispatcher that died
 * before adding it runs once.
 */
describe('fair sharing', () => {
  const tag = randomUUID().slice(0, 8);
  let site: TestSite;
  let dir: string;
  let db: Client;
  let redis: Redis;
  let stack: Stack;
  const projects: string[] = [];

  const call = async (base: string, key: string, path: string, init: { method?: string; body?: unknown } = {}) => {
    const response = await fetch(`${base}${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: { 'x-api-key': key, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : {}, headers: response.headers } as Answer;
  };
  /** A new project with the given limits, and a key that may trigger work in it. */
  const project = async (base: string, name: string, limits: { runningLimit?: number; queuedLimit?: number } = {}) => {
    const created = await call(base, TEST_API_KEY, '/api/projects', { body: { name: `${name}-${tag}`, ...limits } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    projects.push(id);
    const key = await call(base, TEST_API_KEY, `/api/projects/${id}/keys`, {
      body: { name: 'ci', scopes: ['trigger'] },
    });
    expect(key.status).toBe(201);
    return { id, key: key.body.key as string };
  };
  const runBody = (name: string) => ({
    name,
    baseUrl: site.base,
    steps: [{ action: 'goto', url: '/slow' }],
    options: { trace: 'off' },
  });
  const times = async (id: string): Promise<RunTimes> => {
    const { rows } = await db.query(
      `SELECT status, attempt, extract(epoch FROM created_at) * 1000 AS created,
              extract(epoch FROM started_at) * 1000 AS started, extract(epoch FROM finished_at) * 1000 AS finished
       FROM runs WHERE id = $1`,
      [id],
    );
    const row = rows[0] as Record<string, string | number | null>;
    const num = (v: string | number | null) => (v === null ? null : Number(v));
    return {
      status: row.status as string,
      attempt: Number(row.attempt),
      created: Number(row.created),
      started: num(row.started),
      finished: num(row.finished),
    };
  };
  const waitEnd = (id: string, timeoutMs = 60000) =>
    pollUntil(
      () => times(id),
      (t) => FINAL.includes(t.status),
      timeoutMs,
      `run ${id} ended`,
    );

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stevedore-fair-'));
    site = await new TestSite({
      '/slow': (_req, res) => {
        setTimeout(
          () => res.writeHead(200, { 'content-type': 'text/html' }).end('<title>Slow</title><h1>ok</h1>'),
          PAGE_MS,
        );
      },
    }).start();
    db = new Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
    redis = new Redis(TEST_REDIS_URL);
    // Two slots in all: a slot frees about every half run while a project floods.
    stack = await new Stack(
      baseEnv({
        ARTIFACTS_DIR: dir,
        ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
        WORKER_CONCURRENCY: '2',
        RUNNING_CAPACITY: '2',
        QUEUED_CAPACITY: '5000',
        // A floods faster than a key's default request rate.
        RATE_LIMIT_PER_SECOND: '0',
      }),
    ).start();
  });

  afterAll(async () => {
    // Rows left queued would count against the capacity of later files' stacks (one database).
    if (projects.length)
      await db.query(
        `UPDATE runs SET status = 'cancelled', finished_at = now() WHERE project_id = ANY($1) AND status IN ('queued', 'running')`,
        [projects],
      );
    await stack?.stop();
    await site?.stop();
    await db?.end();
    redis?.disconnect();
    await rm(dir, { recursive: true, force: true });
  });

  it("starts B's one run within one run's duration while A has hundreds queued", async () => {
    const a = await project(stack.base, 'flooder');
    const b = await project(stack.base, 'quiet');
    const flood = 300;
    const ids: string[] = [];
    for (let i = 0; i < flood; i += 25) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(25, flood - i) }, (_, j) =>
          call(stack.base, a.key, '/api/runs', { body: runBody(`a-${i + j}`) }),
        ),
      );
      for (const answer of batch) {
        expect(answer.status).toBe(201);
        ids.push(answer.body.id as string);
      }
    }
    // A steady state first: A's runs have been ending one after another.
    await pollUntil(
      async () =>
        (
          await db.query(`SELECT count(*)::int AS n FROM runs WHERE project_id = $1 AND finished_at IS NOT NULL`, [
            a.id,
          ])
        ).rows[0].n as number,
      (n) => n >= 4,
      60000,
      "A's first runs ended",
    );

    const posted = await call(stack.base, b.key, '/api/runs', { body: runBody('b-0') });
    expect(posted.status).toBe(201);
    const bRun = await waitEnd(posted.body.id as string);
    expect(bRun.status).toBe('passed');
    const wait = bRun.started! - bRun.created;

    // A's runs that held the two slots when B's run was queued: the first of them to end
    // frees the slot B's run takes.
    const { rows } = await db.query(
      `SELECT min(extract(epoch FROM finished_at) * 1000)::float8 AS first_end,
              max(extract(epoch FROM finished_at - started_at) * 1000)::float8 AS longest
       FROM runs WHERE project_id = $1 AND started_at <= to_timestamp($2 / 1000.0) AND finished_at > to_timestamp($2 / 1000.0)`,
      [a.id, bRun.created],
    );
    const { first_end: firstEnd, longest } = rows[0] as { first_end: number; longest: number };
    const notStarted = (
      await db.query(
        `SELECT count(*)::int AS n FROM runs WHERE project_id = $1 AND (started_at IS NULL OR started_at > to_timestamp($2 / 1000.0))`,
        [a.id, bRun.started],
      )
    ).rows[0].n as number;
    process.stdout.write(
      `fairness: B waited ${Math.round(wait)} ms; a slot freed ${Math.round(firstEnd - bRun.created)} ms after B was queued; ` +
        `A's runs then running took up to ${Math.round(longest)} ms; ${notStarted} of A's runs not started yet\n`,
    );
    // The bound: B's run starts within 1 s of the first slot to free (the end of the job,
    // its place released, one dispatch, one fetch, the claim), so within one run's duration
    // (of the runs holding the slots) plus 1 s of being queued.
    expect(bRun.started!).toBeLessThanOrEqual(firstEnd + 1000);
    expect(wait).toBeLessThanOrEqual(longest + 1000);
    // Not after A's queue drained: most of A's runs had not started when B's did.
    expect(notStarted).toBeGreaterThan(flood / 2);
    await db.query(
      `UPDATE runs SET status = 'cancelled', finished_at = now() WHERE project_id = $1 AND status = 'queued'`,
      [a.id],
    );
  }, 240000);

  it("keeps a project within its running limit while another project's run goes alongside", async () => {
    const c = await project(stack.base, 'limited', { runningLimit: 1 });
    const d = await project(stack.base, 'alongside');
    // The workers mirror limits from the database once a second.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const cIds = await Promise.all(
      [0, 1, 2].map(
        async (i) => (await call(stack.base, c.key, '/api/runs', { body: runBody(`c-${i}`) })).body.id as string,
      ),
    );
    const dId = (await call(stack.base, d.key, '/api/runs', { body: runBody('d-0') })).body.id as string;
    const cRuns = await Promise.all(cIds.map((id) => waitEnd(id)));
    const dRun = await waitEnd(dId);
    expect([...cRuns, dRun].map((r) => r.status)).toEqual(['passed', 'passed', 'passed', 'passed']);
    const sorted = [...cRuns].sort((x, y) => x.started! - y.started!);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i].started!).toBeGreaterThanOrEqual(sorted[i - 1].finished!);
    // D's run did not wait for C's line: it started before C's last run did.
    expect(dRun.started!).toBeLessThan(sorted[2].started!);
  }, 120000);

  it('cancels a run waiting in its project line: it never runs, and the line goes on', async () => {
    const e = await project(stack.base, 'canceller', { runningLimit: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const first = (await call(stack.base, e.key, '/api/runs', { body: runBody('e-0') })).body.id as string;
    const waiting = (await call(stack.base, e.key, '/api/runs', { body: runBody('e-1') })).body.id as string;
    const cancel = await call(stack.base, e.key, `/api/runs/${waiting}/cancel`, { method: 'POST' });
    expect([cancel.status, cancel.body.status]).toEqual([200, 'cancelled']);
    const after = (await call(stack.base, e.key, '/api/runs', { body: runBody('e-2') })).body.id as string;
    expect((await waitEnd(first)).status).toBe('passed');
    expect((await waitEnd(after)).status).toBe('passed');
    const cancelled = await times(waiting);
    expect([cancelled.status, cancelled.started, cancelled.attempt]).toEqual(['cancelled', null, 0]);
    const prefix = stack.env.QUEUE_PREFIX;
    expect(await redis.hexists(`${prefix}:fair:test-runs:meta`, waiting)).toBe(0);
  }, 120000);

  describe('without a worker at first', () => {
    let api: AppProcess;
    let worker: AppProcess | undefined;
    let base = '';
    let env: Record<string, string>;

    beforeAll(async () => {
      const port = await freePort();
      env = baseEnv({
        ARTIFACTS_DIR: dir,
        ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
        QUEUE_PREFIX: uniquePrefix(),
        QUEUED_CAPACITY: '5000',
        RATE_LIMIT_PER_SECOND: '0',
      });
      api = new AppProcess({ env: { ...env, APP_PORT: String(port) } });
      base = `http://127.0.0.1:${port}`;
      await api.waitHealthy(`${base}/api/health`);
    });
    afterAll(async () => {
      await Promise.all([api?.stop(), worker?.stop()]);
    });

    it("holds each project's queued limit exactly under concurrent posts from both, with 429 and Retry-After", async () => {
      const f = await project(base, 'queued-five', { queuedLimit: 5 });
      const g = await project(base, 'queued-three', { queuedLimit: 3 });
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          i % 2
            ? call(base, f.key, '/api/runs', { body: runBody(`f-${i}`) })
            : call(base, g.key, '/api/runs', { body: runBody(`g-${i}`) }),
        ),
      );
      const byProject = (odd: boolean) => answers.filter((_, i) => Boolean(i % 2) === odd);
      const count = (list: Answer[], status: number) => list.filter((a) => a.status === status).length;
      expect([count(byProject(true), 201), count(byProject(true), 429)]).toEqual([5, 10]);
      expect([count(byProject(false), 201), count(byProject(false), 429)]).toEqual([3, 12]);
      for (const refused of answers.filter((a) => a.status === 429)) {
        expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(refused.body.message).toMatch(/queued limit/);
      }
      const { rows } = await db.query(
        `SELECT project_id, count(*)::int AS n FROM runs WHERE project_id = ANY($1) AND status = 'queued' GROUP BY project_id`,
        [[f.id, g.id]],
      );
      expect(Object.fromEntries(rows.map((r: { project_id: string; n: number }) => [r.project_id, r.n]))).toEqual({
        [f.id]: 5,
        [g.id]: 3,
      });
      // Places come back when runs leave: a cancel frees one for the next post.
      const accepted = byProject(false).find((a) => a.status === 201)!;
      expect(
        (await call(base, g.key, `/api/runs/${accepted.body.id as string}/cancel`, { method: 'POST' })).status,
      ).toBe(200);
      expect((await call(base, g.key, '/api/runs', { body: runBody('g-again') })).status).toBe(201);
      // Cancelled through the API: their jobs leave the projects' lines too.
      const { rows: left } = await db.query(
        `SELECT id, project_id FROM runs WHERE project_id = ANY($1) AND status = 'queued'`,
        [[f.id, g.id]],
      );
      for (const row of left as Array<{ id: string; project_id: string }>)
        expect(
          (await call(base, row.project_id === f.id ? f.key : g.key, `/api/runs/${row.id}/cancel`, { method: 'POST' }))
            .status,
        ).toBe(200);
    });

    it('adds again, and runs once, a job whose dispatcher died between the pop and the add', async () => {
      const h = await project(base, 'recovered');
      const posted = await call(base, h.key, '/api/runs', { body: runBody('h-0') });
      expect(posted.status).toBe(201);
      const id = posted.body.id as string;
      const fairBase = `${env.QUEUE_PREFIX}:fair:test-runs`;
      // No worker: the run waits in its project's line. A dispatcher pops it and dies (the
      // script ran, its add never did): a ghost worker's slot makes room for the pop.
      await redis.hset(`${fairBase}:slots`, 'ghost', `1:${Date.now() + 60000}`);
      const popped = (await redis.eval(DISPATCH, 0, fairBase, '', 0, 1)) as string[];
      await redis.hdel(`${fairBase}:slots`, 'ghost');
      expect(popped[0]).toBe(id);
      const queue = new Queue('test-runs', { connection: { url: TEST_REDIS_URL }, prefix: env.QUEUE_PREFIX });
      try {
        expect(await queue.getJob(id)).toBeUndefined();
        const port = await freePort();
        worker = new AppProcess({ env: { ...env, IS_WORKER: 'true', APP_WORKER_PORT: String(port) } });
        await worker.waitHealthy(`http://127.0.0.1:${port}/api/health`);
        const ended = await waitEnd(id);
        expect([ended.status, ended.attempt]).toEqual(['passed', 1]);
        // Once: one job, run once, and nothing of it left in the layer.
        const job = await queue.getJob(id);
        expect(job?.attemptsStarted).toBe(1);
        expect(await redis.zscore(`${fairBase}:dispatching`, id)).toBeNull();
        // The run's row ends before its job completes and the worker's (batched) release
        // gives its place back: wait for that, bounded.
        await pollUntil(
          () => redis.hexists(`${fairBase}:inflight`, id),
          (inflight) => inflight === 0,
          10_000,
          'the fair place released',
        );
      } finally {
        await queue.close();
      }
    }, 120000);
  });
});
