import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTicks } from '../src/schedules/schedule-job';
import { AppProcess } from './helpers/app-process';
import { prepareDatabase } from './helpers/database';
import { freePort } from './helpers/free-port';
import { json } from './helpers/json';
import { pollUntil } from './helpers/poll';
import { Stack } from './helpers/stack';
import { baseEnv, TEST_API_KEY, TEST_DATABASE_URL, TEST_REDIS_URL } from './helpers/test-env';
import { TestSite } from './helpers/test-site';

/**
 * A database of its own: its workers restore job schedulers (RECONCILE_INTERVAL_MS), and
 * would take every schedule of a shared database for theirs.
 */
const shared = new URL(TEST_DATABASE_URL);
const DATABASE_URL = Object.assign(new URL(shared), { pathname: `${shared.pathname}_pause` }).toString();
const DEFAULT_PROJECT_ID = '00000000-0000-4000-8000-000000000001';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface RunRow {
  id: string;
  createdAt: string;
  finishedAt: string | null;
}

/** POST /api/schedules/:id/pause and /resume against a per-second schedule, a restarted worker and the restorer. */
describe('pausing and resuming a schedule', () => {
  const site = new TestSite({ '/fast': '<!doctype html><title>Fast</title><h1>ok</h1>' });
  let stack: Stack;
  let dir: string;
  let schedules: Queue;

  const run = () => ({
    name: 'fast page',
    baseUrl: site.base,
    steps: [
      { action: 'goto', url: '/fast' },
      { action: 'expectText', selector: 'h1', text: 'ok' },
    ],
  });
  const runsOf = async (scheduleId: string) =>
    (await json(await stack.request(`/api/runs?scheduleId=${scheduleId}&limit=100`))).items as RunRow[];
  const action = (id: string, what: 'pause' | 'resume', key = TEST_API_KEY) =>
    stack.request(`/api/schedules/${id}/${what}`, { method: 'POST', headers: { 'x-api-key': key } });
  const create = async (cron: string) => {
    const res = await stack.request('/api/schedules', { body: { name: `every ${cron}`, cron, run: run() } });
    expect(res.status).toBe(201);
    return json(res);
  };
  const keyOf = async (projectId: string | null, scopes: string[]) => {
    let id = projectId;
    if (!id) id = (await json(await stack.request('/api/projects', { body: { name: `other-${randomUUID()}` } }))).id;
    const res = await stack.request(`/api/projects/${id}/keys`, { body: { name: `k-${randomUUID()}`, scopes } });
    expect(res.status).toBe(201);
    return (await json(res)).key as string;
  };

  beforeAll(async () => {
    await prepareDatabase(DATABASE_URL, { fresh: true });
    await site.start();
    dir = await mkdtemp(join(tmpdir(), 'stevedore-schedule-pause-'));
    stack = await new Stack(
      baseEnv({
        DATABASE_URL,
        ARTIFACTS_DIR: dir,
        ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
        SCHEDULE_MIN_INTERVAL_MS: '1000',
        // The restorer checks every second: a paused schedule must stay without a job scheduler.
        RECONCILE_INTERVAL_MS: '1000',
      }),
    ).start();
    schedules = new Queue('schedules', { connection: { url: TEST_REDIS_URL }, prefix: stack.env.QUEUE_PREFIX });
  });

  afterAll(async () => {
    await schedules?.close();
    await stack?.stop();
    await site.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('a paused per-second schedule queues nothing, through a worker restart and the restorer, and ticks again once resumed', async () => {
    const schedule = await create('* * * * * *');
    await pollUntil(
      () => runsOf(schedule.id),
      (runs) => runs.length >= 2,
      30000,
      'two scheduled runs',
    );

    const res = await action(schedule.id, 'pause');
    expect(res.status).toBe(200);
    const paused = await json(res);
    expect(paused).toMatchObject({
      id: schedule.id,
      cron: '* * * * * *',
      pausedAt: expect.any(String),
      nextTickAt: null,
    });
    expect(Math.abs(Date.parse(paused.pausedAt) - Date.now())).toBeLessThan(5000);
    expect(await schedules.getJobScheduler(schedule.id)).toBeFalsy();
    // A run queued before the pause may still be going: let it end, then count.
    const atPause = await pollUntil(
      () => runsOf(schedule.id),
      (runs) => runs.every((r) => r.finishedAt),
      30000,
      'runs queued before the pause ended',
    );

    // Pausing again changes nothing.
    const twice = await action(schedule.id, 'pause');
    expect([twice.status, await json(twice)]).toEqual([
      200,
      expect.objectContaining({ pausedAt: paused.pausedAt, updatedAt: paused.updatedAt, nextTickAt: null }),
    ]);

    // A worker restart (the restorer's pass at start) and more passes every second: still nothing.
    const before = stack.worker;
    await before.stop();
    const port = await freePort();
    stack.worker = new AppProcess({ env: { ...stack.env, IS_WORKER: 'true', APP_WORKER_PORT: String(port) } });
    await stack.worker.waitHealthy(`http://127.0.0.1:${port}/api/health`);
    await sleep(4000);
    expect((await runsOf(schedule.id)).length).toBe(atPause.length);
    expect(await schedules.getJobScheduler(schedule.id)).toBeFalsy();
    const restored = stack.worker
      .logLines()
      .filter((l) => l.msg === 'A schedule had no job scheduler in Redis: restored it' && l.scheduleId === schedule.id);
    expect(restored).toEqual([]);

    // A job scheduler that came back anyway (a restorer that read the row just before the pause):
    // its first tick finds the schedule paused and removes it, queueing nothing.
    await startTicks(schedules, schedule);
    await pollUntil(
      async () => (await schedules.getJobScheduler(schedule.id)) ?? null,
      (scheduler) => scheduler === null,
      10000,
      'the stray job scheduler removed',
    );
    await sleep(2000);
    // Read after the wait: the line is logged after the removal and may trail it on the pipe.
    expect(
      stack.worker
        .logLines()
        .some(
          (l) =>
            l.msg === 'A tick came for a paused schedule: removed its job scheduler' && l.scheduleId === schedule.id,
        ),
    ).toBe(true);
    expect((await runsOf(schedule.id)).length).toBe(atPause.length);
    const seen = await json(await stack.request(`/api/schedules/${schedule.id}`));
    expect(seen).toMatchObject({ pausedAt: paused.pausedAt, nextTickAt: null, runsQueued: paused.runsQueued });

    // Resumed: the next tick is due within a second, and runs come again.
    const resumedAt = Date.now();
    const resumed = await action(schedule.id, 'resume');
    expect(resumed.status).toBe(200);
    const body = await json(resumed);
    expect(body).toMatchObject({ id: schedule.id, pausedAt: null, nextTickAt: expect.any(String) });
    expect(Date.parse(body.nextTickAt)).toBeLessThanOrEqual(Date.now() + 1500);
    expect(await schedules.getJobScheduler(schedule.id)).toMatchObject({ pattern: '* * * * * *' });
    const after = await pollUntil(
      () => runsOf(schedule.id),
      (runs) => runs.length > atPause.length,
      15000,
      'a run after the resume',
    );
    expect(after.filter((r) => Date.parse(r.createdAt) >= resumedAt - 1000).length).toBeGreaterThan(0);
    const again = await action(schedule.id, 'resume');
    expect([again.status, await json(again)]).toEqual([
      200,
      expect.objectContaining({ pausedAt: null, updatedAt: body.updatedAt, nextTickAt: expect.any(String) }),
    ]);

    // One audit event per change, none for the calls that changed nothing.
    const audit = await json(await stack.request('/api/audit?limit=100'));
    expect(
      (audit.items as Array<{ action: string; target: string }>)
        .filter((e) => e.target === schedule.id)
        .map((e) => e.action),
    ).toEqual(['schedule.resumed', 'schedule.paused', 'schedule.created']);
    expect((await stack.request(`/api/schedules/${schedule.id}`, { method: 'DELETE' })).status).toBe(204);
  });

  it('needs the admin scope; another project’s key gets 404 as for an unknown id, and the schedule keeps ticking', async () => {
    const schedule = await create('0 3 * * *');
    const trigger = await keyOf(DEFAULT_PROJECT_ID, ['trigger']);
    expect((await action(schedule.id, 'pause', trigger)).status).toBe(403);
    expect((await action(schedule.id, 'resume', trigger)).status).toBe(403);

    const other = await keyOf(null, ['admin']);
    const unknownId = randomUUID();
    for (const what of ['pause', 'resume'] as const) {
      const theirs = await action(schedule.id, what, other);
      expect([theirs.status, (await json(theirs)).message]).toEqual([404, `Schedule ${schedule.id} not found`]);
      const unknown = await action(unknownId, what);
      expect([unknown.status, (await json(unknown)).message]).toEqual([404, `Schedule ${unknownId} not found`]);
    }
    expect((await action('nope', 'pause')).status).toBe(400);
    const seen = await json(await stack.request(`/api/schedules/${schedule.id}`));
    expect(seen).toMatchObject({ pausedAt: null, nextTickAt: expect.any(String) });
    expect(await schedules.getJobScheduler(schedule.id)).toMatchObject({ pattern: '0 3 * * *' });
    expect((await stack.request(`/api/schedules/${schedule.id}`, { method: 'DELETE' })).status).toBe(204);
  });
});
