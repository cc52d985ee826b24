import { Queue } from 'bullmq';
import { AppProcess } from './helpers/app-process';
import { json } from './helpers/json';
import { freePort } from './helpers/free-port';
import { baseEnv, TEST_API_KEY, TEST_REDIS_URL } from './helpers/test-env';

/** The API process as `pnpm start` runs it, against the real PostgreSQL and Redis. */
describe('API process', () => {
  let api: AppProcess;
  let base: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    const port = await freePort();
    env = baseEnv({ APP_PORT: String(port), WORKER_NAME: 'api-under-test' });
    api = new AppProcess({ env });
    base = `http://127.0.0.1:${port}`;
    await api.waitHealthy(`${base}/api/health`);
  });

  afterAll(async () => {
    await api?.stop();
  });

  it('answers /api/health with PostgreSQL and Redis up, without a key', async () => {
    const res = await fetch(`${base}/api/health`);
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.status).toBe('ok');
    expect(body.info.database.status).toBe('up');
    expect(body.info.redis.status).toBe('up');
  });

  it('answers /api/health/detailed with every queue and its counts', async () => {
    const res = await fetch(`${base}/api/health/detailed`);
    expect(res.status).toBe(200);
    const { info } = await json(res);
    const names = info.queues.queues.map((q: { name: string }) => q.name);
    expect(names).toEqual(['test-runs', 'scrapes', 'emails', 'schedules', 'suites', 'webhooks', 'alerts']);
    for (const q of info.queues.queues) {
      expect(q).toEqual({ name: q.name, waiting: 0, active: 0, completed: 0, failed: 0, delayed: 0, workers: 0 });
    }
  });

  it('counts waiting jobs a producer added', async () => {
    const queue = new Queue('emails', { connection: { url: TEST_REDIS_URL }, prefix: env.QUEUE_PREFIX });
    try {
      await queue.add('probe', { n: 1 });
      await queue.add('probe', { n: 2 }, { delay: 60_000 });
      const { info } = await json(await fetch(`${base}/api/health/detailed`));
      const emails = info.queues.queues.find((q: { name: string }) => q.name === 'emails');
      expect(emails).toMatchObject({ waiting: 1, delayed: 1 });
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it('attaches no BullMQ worker to any queue', async () => {
    for (const name of ['test-runs', 'scrapes', 'emails', 'schedules', 'suites', 'webhooks']) {
      const queue = new Queue(name, { connection: { url: TEST_REDIS_URL }, prefix: env.QUEUE_PREFIX });
      expect(await queue.getWorkersCount()).toBe(0);
      await queue.close();
    }
  });

  it('refuses a route without a key with a JSON 401', async () => {
    const res = await fetch(`${base}/api/workers`);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(await json(res)).toMatchObject({ statusCode: 401, message: expect.stringContaining('API key is required') });
  });

  it('refuses a wrong key', async () => {
    const res = await fetch(`${base}/api/workers`, { headers: { authorization: 'Bearer wrong-key-0123456789' } });
    expect(res.status).toBe(401);
    expect((await json(res)).message).toBe('The API key is not valid');
  });

  it('accepts a key as Bearer or as x-api-key, and any key of API_KEYS', async () => {
    const bearer = await fetch(`${base}/api/workers`, { headers: { authorization: `Bearer ${TEST_API_KEY}` } });
    expect(bearer.status).toBe(200);
    expect(await json(bearer)).toEqual({ items: [] });
    const header = await fetch(`${base}/api/workers`, { headers: { 'x-api-key': 'second-key-0123456789' } });
    expect(header.status).toBe(200);
  });

  it('serves the OpenAPI document behind the dashboard sign-in', async () => {
    expect((await fetch(`${base}/api/docs/json`)).status).toBe(401);
    const res = await fetch(`${base}/api/docs/json`, { headers: { 'x-api-key': TEST_API_KEY } });
    expect(res.status).toBe(200);
    const doc = await json(res);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/health',
        '/api/health/detailed',
        '/api/workers',
        '/api/users',
        '/api/users/{id}',
        '/api/emails',
        '/api/emails/{id}',
        '/api/runs',
        '/api/runs/{id}',
        '/api/runs/{id}/cancel',
        '/api/runs/{id}/artifacts/{name}',
        '/api/runs/{id}/events',
        '/api/scrapes',
        '/api/scrapes/{id}',
        '/api/scrapes/{id}/pages',
        '/api/scrapes/{id}/cancel',
        '/api/scrapes/{id}/events',
        '/api/suites',
        '/api/suites/{id}',
        '/api/suites/{id}/cancel',
        '/api/suites/{id}/events',
        '/api/schedules',
        '/api/schedules/{id}',
        '/api/dead-letters',
        '/api/dead-letters/{id}/replay',
      ]),
    );
    expect(doc.components.securitySchemes).toHaveProperty('bearer');
  });

  it('serves Prometheus metrics with queue depths on /metrics without a key', async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/^stevedore_queue_jobs\{queue="test-runs",state="waiting",role="api"\} 0$/m);
    expect(text).toMatch(/^stevedore_process_resident_memory_bytes/m);
  });

  it('logs JSON lines with the process name and never the key', async () => {
    await fetch(`${base}/api/workers`, { headers: { 'x-api-key': TEST_API_KEY } });
    await new Promise((r) => setTimeout(r, 200));
    const lines = api.logLines();
    const request = lines.find(
      (l) =>
        (l.req as { url?: string } | undefined)?.url === '/api/workers' &&
        (l.res as { statusCode: number }).statusCode === 200,
    );
    expect(request).toMatchObject({ worker: 'api-under-test', role: 'api', level: 30 });
    expect(api.output).not.toContain(TEST_API_KEY);
  });
});

describe('API health with Redis down', () => {
  it('answers 503 and names Redis as the failing part, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const deadRedis = await freePort();
    const api = new AppProcess({
      env: baseEnv({ APP_PORT: String(port), REDIS_URL: `redis://127.0.0.1:${deadRedis}` }),
    });
    try {
      const deadline = Date.now() + 20000;
      let res: Response | undefined;
      while (Date.now() < deadline) {
        res = await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => undefined);
        if (res) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(res?.status).toBe(503);
      const body = await json(res!);
      expect(body.status).toBe('error');
      expect(body.error.redis.status).toBe('down');
      expect(body.info.database.status).toBe('up');
      // Closing waits for no Redis it never reached: a clean exit, not the last-resort one
      // (exit 1, SHUTDOWN_TIMEOUT_MS + 15 s later).
      const { code } = await api.stop();
      expect(code).toBe(0);
    } finally {
      await api.stop();
    }
  });
});
