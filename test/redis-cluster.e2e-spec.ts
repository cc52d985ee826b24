import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CrawlSite } from './helpers/crawl-site';
import { FIVE_STEPS } from './helpers/five-step-run';
import { json } from './helpers/json';
import { readSse, summary } from './helpers/live-clients';
import { pollUntil } from './helpers/poll';
import { RedisCluster } from './helpers/redis-cluster';
import { SmtpSink } from './helpers/smtp-sink';
import { Stack } from './helpers/stack';
import { baseEnv, TEST_API_KEY } from './helpers/test-env';
import { LOGIN_PAGE, TestSite, WELCOME_PAGE } from './helpers/test-site';

const FINAL = ['passed', 'failed', 'error', 'cancelled', 'timed_out'];

/**
 * The whole platform on a real three-master Redis Cluster (Debian's redis-server): an API
 * and a worker given REDIS_CLUSTER_NODES and a hash-tagged QUEUE_PREFIX, with REDIS_URL
 * pointing where nothing listens, so any client still opened on it would fail the start
 * or the work. Runs, suites (flows), a crawl, an email, a cancel (pub/sub), a live stream
 * (queue events) and a dashboard session, each through the cluster.
 */
describe('Redis Cluster', () => {
  const cluster = new RedisCluster();
  const sink = new SmtpSink();
  const prefix = `{stv-test-${randomUUID().slice(0, 8)}}`;
  let stack: Stack;
  let site: TestSite;
  let crawlSite: CrawlSite;
  let dir: string;

  const run = async (id: string) => json(await stack.request(`/api/runs/${id}`));
  const waitRun = (id: string, timeoutMs = 60000) =>
    pollUntil(
      () => run(id),
      (r) => FINAL.includes(r.status),
      timeoutMs,
      `run ${id} ended`,
    );
  const trigger = async (path: string, body: Record<string, unknown>, status = 201) => {
    const res = await stack.request(path, { body });
    expect([res.status, await res.clone().text()]).toEqual([status, expect.any(String)]);
    return json(res);
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stevedore-cluster-'));
    await Promise.all([cluster.start(), sink.start()]);
    site = await new TestSite({
      '/login': LOGIN_PAGE,
      '/welcome': WELCOME_PAGE,
      // Never answers: a run held in its first step until it is cancelled.
      '/hang': () => undefined,
    }).start();
    crawlSite = await new CrawlSite({ pages: 12 }).start();
    stack = await new Stack(
      baseEnv({
        REDIS_CLUSTER_NODES: cluster.nodes,
        // Nothing listens there: on a cluster REDIS_URL must not be used for data.
        REDIS_URL: 'redis://127.0.0.1:1',
        QUEUE_PREFIX: prefix,
        ARTIFACTS_DIR: dir,
        ALLOWED_PRIVATE_HOSTS: '127.0.0.1,localhost',
        WORKER_CONCURRENCY: '2',
        SCHEDULE_MIN_INTERVAL_MS: '1000',
        // Project keys only (the bootstrap key has no limit): the rate limiter's script runs on the cluster.
        RATE_LIMIT_PER_SECOND: '1',
        RATE_LIMIT_BURST: '3',
        MAIL_HOST: '127.0.0.1',
        MAIL_PORT: String(sink.port),
        MAIL_FROM: 'Stevedore <noreply@stevedore.test>',
      }),
    ).start();
  }, 180000);

  afterAll(async () => {
    await stack?.stop();
    await Promise.all([site?.stop(), crawlSite?.stop(), sink.stop()]);
    await cluster.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers its health checks through the cluster', async () => {
    for (const base of [stack.base, stack.workerBase]) {
      const res = await fetch(`${base}/api/health`);
      expect([res.status, (await json(res)).info.redis.status]).toEqual([200, 'up']);
    }
  });

  it('runs a step test to the end, streamed live over SSE', async () => {
    const { id } = await trigger('/api/runs', { name: 'on a cluster', baseUrl: site.base, steps: FIVE_STEPS });
    const sse = await readSse(`${stack.base}/api/runs/${id}/events`);
    expect(sse.status).toBe(200);
    const done = await waitRun(id);
    expect(done).toMatchObject({ status: 'passed', error: null });
    await pollUntil(
      () => Promise.resolve(sse.events.map(summary)),
      (seen) => seen.includes('updated:passed'),
      10000,
      'the stream saw the run pass',
    );
    sse.close();
    const seen = sse.events.map(summary);
    expect(seen).toEqual(expect.arrayContaining(['step:0:passed', 'step:4:passed', 'updated:passed']));
    // BullMQ's keys and ours are on the cluster, all under the prefix's hash tag.
    const keys = await cluster.keys(`${prefix}:*`);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.some((k) => k.startsWith(`${prefix}:test-runs:`))).toBe(true);
  });

  it('runs a suite of two tests (a flow)', async () => {
    const accepted = await trigger('/api/suites', {
      name: 'cluster suite',
      tests: [1, 2].map((n) => ({ name: `sign in ${n}`, baseUrl: site.base, steps: FIVE_STEPS })),
    });
    expect(accepted).toMatchObject({ status: 'queued', total: 2 });
    const done = await pollUntil(
      async () => json(await stack.request(`/api/suites/${accepted.id}`)),
      (s) => FINAL.includes(s.status),
      90000,
      'suite ended',
    );
    expect(done).toMatchObject({ status: 'passed', total: 2, passed: 2, failed: 0, errored: 0 });
  });

  it('crawls a small site', async () => {
    const { id } = await trigger('/api/scrapes', { url: `${crawlSite.base}/p/0`, mode: 'crawl', maxDepth: 1 });
    const done = await pollUntil(
      async () => json(await stack.request(`/api/scrapes/${id}`)),
      (s) => ['completed', 'failed', 'cancelled'].includes(s.status),
      60000,
      'crawl ended',
    );
    expect(done.status).toBe('completed');
    expect(done.pagesDone).toBeGreaterThan(1);
  });

  it('sends an email to the SMTP sink', async () => {
    const to = 'cluster@example.com';
    const { id } = await trigger('/api/emails', { to, subject: 'On a cluster', text: 'hello' }, 202);
    const sent = await pollUntil(
      async () => json(await stack.request(`/api/emails/${id}`)),
      (e) => ['sent', 'failed'].includes(e.status),
      30000,
      'email ended',
    );
    expect(sent.status).toBe('sent');
    expect(sink.to(to)).toHaveLength(1);
  });

  it('cancels a running run (cancel pub/sub through the cluster)', async () => {
    const { id } = await trigger('/api/runs', {
      name: 'to be cancelled',
      baseUrl: site.base,
      steps: [{ action: 'goto', url: '/hang' }],
      options: { timeoutMs: 60000, stepTimeoutMs: 60000, trace: 'off' },
    });
    await pollUntil(
      async () => ({ status: (await run(id)).status as string, asked: site.hits.includes('/hang') }),
      (r) => (r.status === 'running' && r.asked) || FINAL.includes(r.status),
      30000,
      'run waiting on /hang',
    );
    const asked = Date.now();
    const res = await stack.request(`/api/runs/${id}/cancel`, { method: 'POST' });
    expect(res.status).toBe(200);
    const done = await waitRun(id, 15000);
    expect(done.status).toBe('cancelled');
    expect(Date.now() - asked).toBeLessThan(5000);
  });

  it('ticks a schedule (a BullMQ job scheduler) and stops it when deleted', async () => {
    const schedule = await trigger('/api/schedules', {
      name: 'every second on a cluster',
      cron: '* * * * * *',
      run: { name: 'scheduled', baseUrl: site.base, steps: [{ action: 'goto', url: '/welcome' }] },
    });
    await pollUntil(
      async () => json(await stack.request(`/api/schedules/${schedule.id}`)),
      (s) => s.runsQueued >= 1,
      20000,
      'the schedule queued a run',
    );
    expect((await stack.request(`/api/schedules/${schedule.id}`, { method: 'DELETE' })).status).toBe(204);
  });

  it("limits a project key's request rate and refuses it once revoked", async () => {
    const project = await trigger('/api/projects', { name: `cluster-${randomUUID().slice(0, 8)}` });
    const made = await trigger(`/api/projects/${project.id}/keys`, { name: 'ci', scopes: ['read'] });
    const asKey = () => fetch(`${stack.base}/api/runs`, { headers: { authorization: `Bearer ${made.key}` } });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await asKey()).status);
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses).toContain(429);
    const revoked = await stack.request(`/api/projects/${project.id}/keys/${made.id}`, { method: 'DELETE' });
    expect(revoked.status).toBe(204);
    await pollUntil(
      async () => (await asKey()).status,
      (status) => status === 401,
      5000,
      'the revoked key refused',
    );
  });

  it('signs in to the dashboard: the session lives in the cluster', async () => {
    const signIn = await fetch(`${stack.base}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: TEST_API_KEY }),
    });
    expect(signIn.status).toBe(201);
    const cookie = /stv_session=([^;]+)/.exec(signIn.headers.get('set-cookie') ?? '')?.[1];
    expect(cookie).toBeDefined();
    const me = await fetch(`${stack.base}/api/session`, { headers: { cookie: `stv_session=${cookie}` } });
    expect(me.status).toBe(200);
    expect(await cluster.keys(`${prefix}:session:*`)).toHaveLength(1);
  });

  it('never reached for REDIS_URL, nor logged a Redis error', () => {
    for (const app of [stack.api, stack.worker])
      expect(app.output).not.toMatch(/ECONNREFUSED|Redis client error|CROSSSLOT/);
  });
});
