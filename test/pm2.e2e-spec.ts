import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { workerHeartbeatKey } from '../src/queues/worker-heartbeat';
import { freePort } from './helpers/free-port';
import { pollUntil } from './helpers/poll';
import { baseEnv, TEST_API_KEY, TEST_DATABASE_URL, TEST_REDIS_URL } from './helpers/test-env';
import { TestSite } from './helpers/test-site';

const run = promisify(execFile);
const ROOT = join(__dirname, '..');
const PM2 = join(ROOT, 'node_modules', 'pm2', 'bin', 'pm2');
const QUEUES = ['test-runs', 'scrapes', 'emails', 'schedules', 'suites', 'webhooks', 'alerts'];

interface Pm2Process {
  name: string;
  pid: number;
  pm2_env: { status: string; NODE_APP_INSTANCE?: number | string };
}

/** Five free ports in a row, for the five workers' health (APP_WORKER_PORT + instance). */
async function freePortRun(length: number): Promise<number> {
  for (;;) {
    const base = await freePort();
    if (base + length > 65535) continue;
    const ports = await Promise.all(
      Array.from({ length: length - 1 }, (_, i) =>
        fetch(`http://127.0.0.1:${base + i + 1}/`).then(
          () => false,
          () => true,
        ),
      ),
    );
    if (ports.every(Boolean)) return base;
  }
}

/**
 * pm2 for real: the repository's pm2.config.json over the build, `pm2 scale worker 5`,
 * five healthy workers each attached to every queue, and `pm2 delete` that lets the jobs
 * in flight finish. Only ports, paths and the environment differ from production.
 */
describe('pm2', () => {
  const site = new TestSite({
    '/slow': `<!doctype html><title>Slow</title><script>setTimeout(() => { const p = document.createElement('p'); p.id = 'done'; p.textContent = 'ready'; document.body.append(p); }, 2000)</script>`,
  });
  const env = baseEnv({ ALLOWED_PRIVATE_HOSTS: '127.0.0.1' });
  let home: string;
  let db: Client;
  let apiPort = 0;
  let workerPort = 0;
  let pm2Env: Record<string, string>;

  const pm2 = async (...args: string[]) =>
    (await run(process.execPath, [PM2, ...args], { env: pm2Env, cwd: home, timeout: 90000 })).stdout;
  const list = async () => JSON.parse(await pm2('jlist')) as Pm2Process[];
  const api = (path: string, body?: unknown) =>
    fetch(`http://127.0.0.1:${apiPort}${path}`, {
      method: body ? 'POST' : 'GET',
      headers: { 'x-api-key': TEST_API_KEY, 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });

  beforeAll(async () => {
    await site.start();
    home = await mkdtemp(join(tmpdir(), 'stevedore-pm2-'));
    db = new Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
    apiPort = await freePort();
    workerPort = await freePortRun(5);
    // The shipped file, with this test's ports and the repository as working directory.
    const config = JSON.parse(await readFile(join(ROOT, 'pm2.config.json'), 'utf8')) as {
      apps: Array<Record<string, unknown> & { env: Record<string, string> }>;
    };
    for (const app of config.apps) {
      app.cwd = ROOT;
      app.env = {
        ...app.env,
        APP_PORT: String(apiPort),
        APP_WORKER_PORT: String(workerPort),
        ARTIFACTS_DIR: join(home, 'storage'),
      };
    }
    await writeFile(join(home, 'pm2.config.json'), JSON.stringify(config, null, 2));
    pm2Env = { PATH: process.env.PATH ?? '', HOME: home, PM2_HOME: join(home, '.pm2'), ...env };
  });

  afterAll(async () => {
    await pm2('kill').catch(() => undefined);
    await db?.end();
    await site.stop();
    await rm(home, { recursive: true, force: true });
  });

  /** The processes' own lines, for a failure's message: CI keeps nothing else of them. */
  const logTail = async () => {
    const files = ['api-out.log', 'worker-out.log', 'worker-error.log'];
    const texts = await Promise.all(
      files.map((f) =>
        readFile(join(home, '.pm2', 'logs', f), 'utf8').then(
          (t) => `== ${f}\n${t.split('\n').slice(-40).join('\n')}`,
          () => '',
        ),
      ),
    );
    return texts.join('\n');
  };

  // Longer than Jest's default: its own waits name the step that is slow, and a failure
  // carries the processes' last log lines.
  it('starts the config, scales to five workers that each serve health and attach to every queue, and deletes with every job finished', async () => {
    try {
      await startScaleAndDelete();
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${await logTail()}`, { cause: error });
    }
  }, 180000);

  async function startScaleAndDelete(): Promise<void> {
    await pm2('start', join(home, 'pm2.config.json'));
    await pollUntil(
      () =>
        fetch(`http://127.0.0.1:${apiPort}/api/health`).then(
          (r) => r.status,
          () => 0,
        ),
      (s) => s === 200,
      60000,
      'API healthy under pm2',
    );

    await pm2('scale', 'worker', '5');
    const processes = await pollUntil(
      list,
      (ps) => ps.filter((p) => p.name === 'worker' && p.pm2_env.status === 'online').length === 5,
      30000,
      'five workers online',
    );
    expect(processes.filter((p) => p.name === 'api')).toHaveLength(2);
    const instances = processes
      .filter((p) => p.name === 'worker')
      .map((p) => Number(p.pm2_env.NODE_APP_INSTANCE))
      .sort();
    expect(instances).toEqual([0, 1, 2, 3, 4]);

    // Each worker on its own port (APP_WORKER_PORT + NODE_APP_INSTANCE), healthy, on every queue.
    const pids = new Set<number>();
    for (let i = 0; i < 5; i++) {
      const health = await pollUntil(
        () =>
          fetch(`http://127.0.0.1:${workerPort + i}/api/health`).then(
            (r) =>
              r.status === 200 ? (r.json() as Promise<{ info: { worker: { queues: string[]; pid: number } } }>) : null,
            () => null,
          ),
        (h) => h !== null,
        60000,
        `worker ${i} healthy`,
      );
      expect(health!.info.worker.queues).toEqual(expect.arrayContaining(QUEUES));
      pids.add(health!.info.worker.pid);
    }
    expect(pids.size).toBe(5);
    for (const name of QUEUES) {
      const queue = new Queue(name, { connection: { url: TEST_REDIS_URL }, prefix: env.QUEUE_PREFIX });
      await pollUntil(
        () => queue.getWorkersCount(),
        (n) => n === 5,
        15000,
        `five workers on ${name}`,
      );
      await queue.close();
    }
    // Each worker's heartbeat: what GET /api/workers lists.
    const redis = new Redis(TEST_REDIS_URL);
    const heartbeats = () => redis.keys(workerHeartbeatKey(env.QUEUE_PREFIX));
    try {
      await pollUntil(heartbeats, (keys) => keys.length === 5, 15000, 'five worker heartbeats');
      await runDeleteWhileBusy(pids);
      // A drained worker takes itself off the list at once, not when its heartbeat expires.
      expect(await heartbeats()).toEqual([]);
    } finally {
      redis.disconnect();
    }
  }

  async function runDeleteWhileBusy(pids: Set<number>): Promise<void> {
    // Work spread over the workers: six browser runs (two at a time per worker at most) and emails.
    const definition = {
      name: 'slow page',
      baseUrl: site.base,
      steps: [
        { action: 'goto', url: '/slow' },
        { action: 'waitFor', selector: '#done' },
      ],
    };
    const runIds = await Promise.all(
      Array.from({ length: 6 }, async () => ((await (await api('/api/runs', definition)).json()) as { id: string }).id),
    );
    const emailIds = await Promise.all(
      Array.from(
        { length: 10 },
        async (_, i) =>
          (
            (await (await api('/api/emails', { to: `pm2-${i}@example.com`, subject: 'pm2', text: 'hi' })).json()) as {
              id: string;
            }
          ).id,
      ),
    );
    const rows = async () =>
      (await db.query(`SELECT id, status, worker FROM runs WHERE id = ANY($1)`, [runIds])).rows as Array<{
        status: string;
        worker: string;
      }>;
    const emailStates = async () =>
      (
        (await db.query(`SELECT status FROM emails WHERE id = ANY($1)`, [emailIds])).rows as Array<{ status: string }>
      ).map((e) => e.status);
    await pollUntil(emailStates, (states) => states.every((st) => st === 'sent'), 30000, 'every email sent');
    const started = await pollUntil(rows, (rs) => rs.every((r) => r.status !== 'queued'), 60000, 'every run started');
    expect(started.some((r) => r.status === 'running')).toBe(true);

    // Delete while runs are still going: each worker drains (kill_timeout 40 s > SHUTDOWN_TIMEOUT_MS),
    // and neither pm2 (treekill off) nor Playwright (its signal handlers off) kills Chromium under them.
    await pm2('delete', 'all');
    expect(await list()).toEqual([]);
    const ended = await rows();
    expect(ended.map((r) => r.status)).toEqual(runIds.map(() => 'passed'));
    expect(new Set(ended.map((r) => r.worker)).size).toBeGreaterThanOrEqual(2);
    const logs = await readFile(join(home, '.pm2', 'logs', 'worker-out.log'), 'utf8').catch(() => '');
    expect(logs).toContain('Workers closed');
    // Each worker ended its own shutdown (pm2 did not have to kill one at kill_timeout).
    const completed = logs
      .split('\n')
      .filter((line) => line.includes('Shutdown complete'))
      .map((line) => (JSON.parse(line) as { pid: number }).pid);
    expect(new Set(completed)).toEqual(pids);
    // Nothing at error level: a clean drain closes its own connections, which is no outage.
    expect(logs.split('\n').filter((line) => /"level":(50|60)/.test(line))).toEqual([]);
  }
});
