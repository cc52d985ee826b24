import { Job, Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { join } from 'node:path';
import { ROOMY_QUEUE, SLOW_QUEUE, SlowJobData } from './fixtures/slow-job';
import { AppProcess } from './helpers/app-process';
import { json } from './helpers/json';
import { freePort } from './helpers/free-port';
import { baseEnv, TEST_REDIS_URL } from './helpers/test-env';

const FIXTURE_WORKER = join(__dirname, 'fixtures', 'slow-worker.ts');

/**
 * Real worker processes (AppModule.worker() plus a slow fixture processor): what they
 * serve, and how they stop.
 */
describe('worker process', () => {
  let env: Record<string, string>;
  let queue: Queue<SlowJobData>;
  let events: QueueEvents;
  let roomy: Queue<SlowJobData> | undefined;
  const started: AppProcess[] = [];

  const startWorker = async (overrides: Record<string, string> = {}) => {
    const port = await freePort();
    const proc = new AppProcess({
      entry: FIXTURE_WORKER,
      env: { ...env, IS_WORKER: 'true', APP_WORKER_PORT: String(port), ...overrides },
    });
    started.push(proc);
    await proc.waitHealthy(`http://127.0.0.1:${port}/api/health`, 90000);
    return { proc, base: `http://127.0.0.1:${port}` };
  };

  const waitActive = async (job: Job) => {
    for (let i = 0; i < 200; i++) {
      if ((await job.getState()) === 'active') return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`job ${job.id} never became active`);
  };

  beforeAll(async () => {
    env = baseEnv();
    queue = new Queue(SLOW_QUEUE, { connection: { url: TEST_REDIS_URL }, prefix: env.QUEUE_PREFIX });
    events = new QueueEvents(SLOW_QUEUE, { connection: { url: TEST_REDIS_URL }, prefix: env.QUEUE_PREFIX });
    await events.waitUntilReady();
  });

  afterEach(async () => {
    await Promise.all(started.splice(0).map((p) => p.stop('SIGKILL').catch(() => undefined)));
  });

  afterAll(async () => {
    await roomy?.obliterate({ force: true });
    await roomy?.close();
    await queue.obliterate({ force: true });
    await Promise.all([queue.close(), events.close()]);
  });

  it('serves only health and metrics: its name, counts and heartbeat; no API routes', async () => {
    const { base } = await startWorker({ WORKER_NAME: 'worker-under-test' });
    const health = await json(await fetch(`${base}/api/health`));
    expect(health.status).toBe('ok');
    expect(health.info.worker).toMatchObject({
      status: 'up',
      name: 'worker-under-test',
      active: 0,
      processed: 0,
      failed: 0,
    });
    expect(health.info.worker.queues).toEqual(expect.arrayContaining([SLOW_QUEUE, 'emails']));
    expect(Date.parse(health.info.worker.lastHeartbeat)).toBeGreaterThan(Date.now() - 15000);
    expect((await fetch(`${base}/metrics`)).status).toBe(200);
    for (const path of ['/api/queues', '/api/docs', '/api/workers', '/api/health/detailed', '/api/runs']) {
      expect([path, (await fetch(`${base}${path}`)).status]).toEqual([path, 404]);
    }
    // It attached to its queue and the API's production queues stay untouched by it.
    expect(await queue.getWorkersCount()).toBe(1);
  });

  it('takes no new jobs above MEMORY_THRESHOLD, says so once, shows it in health; another worker takes the queue', async () => {
    // Any process is above a thousandth of its limit.
    const { proc, base } = await startWorker({ MEMORY_THRESHOLD: '0.001', WORKER_MEMORY_LIMIT_MB: '4096' });
    const health = await json(await fetch(`${base}/api/health`));
    expect(health.info.worker.memory).toMatchObject({
      paused: true,
      threshold: 0.001,
      limitBytes: expect.any(Number),
      rssBytes: expect.any(Number),
    });
    const job = await queue.add('quick', { firstRunMs: 10, laterRunMs: 10 });
    await new Promise((r) => setTimeout(r, 1500));
    expect(await job.getState()).toBe('waiting');
    expect(
      proc.logLines().filter((l) => l.msg === 'Memory above MEMORY_THRESHOLD: taking no new jobs until it falls'),
    ).toHaveLength(1);

    await startWorker();
    await job.waitUntilFinished(events, 10000);
    expect(await job.getState()).toBe('completed');
  });

  it('counts processed jobs and reports them in health and metrics', async () => {
    const { base } = await startWorker();
    const job = await queue.add('quick', { firstRunMs: 10, laterRunMs: 10 });
    await job.waitUntilFinished(events, 10000);
    const health = await json(await fetch(`${base}/api/health`));
    expect(health.info.worker).toMatchObject({ processed: 1, active: 0 });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(
      /^stevedore_jobs_finished_total\{queue="fixture-slow",outcome="completed",role="worker"\} 1$/m,
    );
  });

  it('on SIGTERM lets a running job finish, then exits 0', async () => {
    const { proc } = await startWorker({ SHUTDOWN_TIMEOUT_MS: '15000' });
    const job = await queue.add('slow', { firstRunMs: 2500, laterRunMs: 2500 });
    await waitActive(job);
    const { code } = await proc.stop('SIGTERM', 25000);
    expect(code).toBe(0);
    const finished = await Job.fromId(queue, job.id!);
    expect(await finished!.getState()).toBe('completed');
    expect(finished!.returnvalue).toMatchObject({ starts: 1, pid: proc.child.pid });
    // Closed in order, as the log shows.
    expect(proc.output).toMatch(/Shutting down[\s\S]*Workers closed[\s\S]*Shutdown complete/);
  });

  it('when a job outlasts SHUTDOWN_TIMEOUT_MS, still exits 0 and the job is taken up again by another worker', async () => {
    const first = await startWorker({ SHUTDOWN_TIMEOUT_MS: '1000' });
    const job = await queue.add('long', { firstRunMs: 120_000, laterRunMs: 200 });
    await waitActive(job);
    const stoppedAt = Date.now();
    const { code } = await first.proc.stop('SIGTERM', 20000);
    expect(code).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(10000);
    // Handed back, not failed: no attempt spent.
    const handedBack = await Job.fromId(queue, job.id!);
    expect(await handedBack!.getState()).toBe('waiting');
    expect(handedBack!.attemptsMade).toBe(0);

    const second = await startWorker();
    const result = await job.waitUntilFinished(events, 15000);
    expect(result).toEqual({ starts: 2, pid: second.proc.child.pid });
  });

  it('on SIGTERM starts none of the jobs queued after the signal: they wait for the next worker', async () => {
    roomy = new Queue(ROOMY_QUEUE, { connection: { url: TEST_REDIS_URL }, prefix: env.QUEUE_PREFIX });
    const { proc } = await startWorker({ SHUTDOWN_TIMEOUT_MS: '15000' });
    const busy = await roomy.add('busy', { firstRunMs: 4000, laterRunMs: 4000 });
    await waitActive(busy);
    // Three free slots: the worker is blocked waiting for the next job when the signal comes.
    proc.child.kill('SIGTERM');
    for (let i = 0; !proc.output.includes('Shutting down: no new jobs'); i++) {
      if (i >= 600) throw new Error(`the worker never said it stopped taking jobs:\n${proc.output.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    const late = await Promise.all([1, 2, 3].map((n) => roomy!.add(`late-${n}`, { firstRunMs: 100, laterRunMs: 100 })));

    const { code } = await proc.waitExit(25000);
    expect(code).toBe(0);
    const finished = await Job.fromId(roomy, busy.id!);
    expect(await finished!.getState()).toBe('completed');
    const redis = new Redis(TEST_REDIS_URL);
    try {
      for (const job of late) {
        expect([job.id, await job.getState()]).toEqual([job.id, 'waiting']);
        // Never started anywhere: the fixture counts every start.
        expect(await redis.get(`${env.QUEUE_PREFIX}:fixture-starts:${ROOMY_QUEUE}:${job.id}`)).toBeNull();
      }
    } finally {
      redis.disconnect();
    }
  }, 150000);
});
