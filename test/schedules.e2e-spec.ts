import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { json } from './helpers/json';
import { pollUntil } from './helpers/poll';
import { Stack } from './helpers/stack';
import { baseEnv } from './helpers/test-env';
import { TestSite } from './helpers/test-site';

interface RunRow {
  id: string;
  name: string;
  status: string;
  scheduleId: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** Cron schedules through BullMQ job schedulers: each tick queues a run, never two at once. */
describe('schedules', () => {
  // A page that takes about 2.5 s to be ready: a per-second schedule must skip ticks.
  const site = new TestSite({
    '/fast': '<!doctype html><title>Fast</title><h1>ok</h1>',
    '/slow': `<!doctype html><title>Slow</title><script>setTimeout(() => { const p = document.createElement('p'); p.id = 'done'; p.textContent = 'ready'; document.body.append(p); }, 2500)</script>`,
  });
  let stack: Stack;
  let dir: string;

  const definition = () => ({
    name: 'slow page is ready',
    baseUrl: site.base,
    steps: [
      { action: 'goto', url: '/slow' },
      { action: 'waitFor', selector: '#done' },
      { action: 'expectText', selector: '#done', text: 'ready' },
    ],
    options: { stepTimeoutMs: 10000 },
  });
  const runsOf = async (scheduleId: string) =>
    ((await json(await stack.request(`/api/runs?scheduleId=${scheduleId}&limit=100`))).items as RunRow[]).reverse();

  beforeAll(async () => {
    await site.start();
    dir = await mkdtemp(join(tmpdir(), 'stevedore-schedules-'));
    // Per-second schedules below: the minimum interval (60 s by default) is lowered to one second.
    stack = await new Stack(
      baseEnv({
        ARTIFACTS_DIR: dir,
        ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
        WORKER_CONCURRENCY: '2',
        SCHEDULE_MIN_INTERVAL_MS: '1000',
      }),
    ).start();
  });

  afterAll(async () => {
    await stack?.stop();
    await site.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('queues a run every second, skips ticks while the previous run is going, and stops when deleted', async () => {
    const res = await stack.request('/api/schedules', {
      body: { name: 'every second', cron: '* * * * * *', timezone: 'Europe/Paris', run: definition() },
    });
    expect(res.status).toBe(201);
    const schedule = await json(res);
    expect(schedule).toMatchObject({
      id: expect.any(String),
      name: 'every second',
      cron: '* * * * * *',
      timezone: 'Europe/Paris',
      run: { name: 'slow page is ready' },
    });
    expect(Date.parse(schedule.nextTickAt)).toBeLessThanOrEqual(Date.now() + 1500);

    // Three runs have ended; the ticks in between found the previous run still going.
    await pollUntil(
      () => runsOf(schedule.id),
      (runs) => runs.filter((r) => r.finishedAt).length >= 3,
      40000,
      'three scheduled runs ended',
    );
    const listed = await json(await stack.request('/api/schedules'));
    expect((listed.items as Array<{ id: string }>).map((s) => s.id)).toContain(schedule.id);
    const seen = await json(await stack.request(`/api/schedules/${schedule.id}`));
    expect(seen.ticksSkipped).toBeGreaterThanOrEqual(3);
    expect(seen.runsQueued).toBeGreaterThanOrEqual(3);

    expect((await stack.request(`/api/schedules/${schedule.id}`, { method: 'DELETE' })).status).toBe(204);
    const atDelete = await runsOf(schedule.id);
    await new Promise((r) => setTimeout(r, 2500));
    const runs = await pollUntil(
      () => runsOf(schedule.id),
      (all) => all.every((r) => r.finishedAt),
      20000,
      'scheduled runs ended',
    );
    expect(runs.map((r) => r.id)).toEqual(atDelete.map((r) => r.id));
    expect(runs.every((r) => r.status === 'passed')).toBe(true);
    // Never two at once: each run was queued after the one before it had ended.
    for (let i = 1; i < runs.length; i++)
      expect(Date.parse(runs[i].createdAt)).toBeGreaterThanOrEqual(Date.parse(runs[i - 1].finishedAt!));
    expect(
      stack.worker.logLines().some((l) => l.msg === 'Schedule tick skipped' && String(l.reason).includes('is still')),
    ).toBe(true);
    expect((await stack.request(`/api/schedules/${schedule.id}`)).status).toBe(404);
    expect((await stack.request(`/api/schedules/${schedule.id}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('queues a suite on a tick: the suite and its runs carry the schedule, and it ends passed', async () => {
    const test = (name: string) => ({
      name,
      baseUrl: site.base,
      steps: [
        { action: 'goto', url: '/fast' },
        { action: 'expectText', selector: 'h1', text: 'ok' },
      ],
    });
    const res = await stack.request('/api/schedules', {
      body: {
        name: 'suite every second',
        cron: '* * * * * *',
        suite: { name: 'fast pair', tests: [test('one'), test('two')] },
      },
    });
    expect(res.status).toBe(201);
    const schedule = await json(res);
    expect(schedule).toMatchObject({
      run: null,
      suite: { name: 'fast pair', tests: [{ name: 'one' }, { name: 'two' }] },
    });
    const ticked = await pollUntil(
      async () => json(await stack.request(`/api/schedules/${schedule.id}`)),
      (s) => s.lastSuiteId !== null,
      10000,
      'a tick queued a suite',
    );
    expect((await stack.request(`/api/schedules/${schedule.id}`, { method: 'DELETE' })).status).toBe(204);
    const suite = await pollUntil(
      async () => json(await stack.request(`/api/suites/${ticked.lastSuiteId}`)),
      (s) => !['queued', 'running'].includes(s.status),
      30000,
      'scheduled suite ended',
    );
    expect(suite).toMatchObject({ status: 'passed', passed: 2, total: 2, scheduleId: schedule.id });
    expect((suite.runs as RunRow[]).map((r) => [r.name, r.scheduleId])).toEqual([
      ['one', schedule.id],
      ['two', schedule.id],
    ]);
  });

  it('answers 400 naming the field for a bad schedule or a bad run, 404 and 401 as usual', async () => {
    // Other files share the database's default project: what counts is that nothing is added here.
    const stored = async () =>
      ((await json(await stack.request('/api/schedules?limit=100'))).items as Array<{ id: string }>).map((s) => s.id);
    const before = await stored();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ name: 'x', cron: 'every day', run: definition() }, 'cron must have 5 fields'],
      [{ name: 'x', cron: '0 25 * * *', run: definition() }, 'cron is not a valid pattern'],
      [
        { name: 'x', cron: '0 3 * * *', timezone: 'Atlantis/Lost', run: definition() },
        'timezone must be an IANA time zone',
      ],
      [{ name: '', cron: '0 3 * * *', run: definition() }, 'name must be a non-empty string'],
      [{ name: 'x', cron: '0 3 * * *' }, 'run must be a run definition'],
      [{ name: 'x', cron: '0 3 * * *', run: { steps: [{ action: 'teleport' }] } }, 'run.steps[0].action'],
      [
        {
          name: 'x',
          cron: '0 3 * * *',
          run: { name: 'private', steps: [{ action: 'goto', url: 'http://10.1.2.3/' }] },
        },
        'run.steps[0].url is not allowed',
      ],
      [
        {
          name: 'x',
          cron: '0 3 * * *',
          suite: { name: 's', tests: [definition(), { name: 't', steps: [{ action: 'teleport' }] }] },
        },
        'suite.tests[1].steps[0].action',
      ],
    ];
    for (const [body, message] of cases) {
      const res = await stack.request('/api/schedules', { body });
      expect([res.status, JSON.stringify((await json(res)).message)]).toEqual([400, expect.stringContaining(message)]);
    }
    expect(await stored()).toEqual(before);
    expect((await stack.request('/api/schedules/8f14e45f-ceea-4a7e-9e1f-6f5a4c2b1d00')).status).toBe(404);
    expect((await stack.request('/api/schedules/nope')).status).toBe(400);
    expect((await fetch(`${stack.base}/api/schedules`)).status).toBe(401);
  });
});
