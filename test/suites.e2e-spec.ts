import { Queue } from 'bullmq';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppProcess } from './helpers/app-process';
import { FIVE_STEPS } from './helpers/five-step-run';
import { freePort } from './helpers/free-port';
import { json } from './helpers/json';
import { readSse } from './helpers/live-clients';
import { pollUntil } from './helpers/poll';
import { SmtpSink } from './helpers/smtp-sink';
import { Stack } from './helpers/stack';
import { Client } from 'pg';
import { baseEnv, TEST_API_KEY, TEST_DATABASE_URL, TEST_REDIS_URL } from './helpers/test-env';
import { suiteEmailId } from '../src/suites/suite-settler';
import { LOGIN_PAGE, TestSite, WELCOME_PAGE } from './helpers/test-site';

const FINAL = ['passed', 'failed', 'error', 'cancelled'];
const IN_FLIGHT = ['queued', 'running'];

interface RunRow {
  id: string;
  name: string;
  status: string;
  worker: string | null;
  suiteIndex: number;
  startedAt: string | null;
  finishedAt: string | null;
}

const passing = (name: string) => ({ name, steps: FIVE_STEPS });
/** Fails its assertion after 1 s (the page load keeps the default step timeout: four runs share two cores). */
const failing = (name: string) => ({
  name,
  steps: [
    { action: 'goto', url: '/welcome' },
    { action: 'expectText', selector: 'h1', text: 'Goodbye', timeoutMs: 1000 },
  ],
});
/** Waits for a selector that never appears: a run that stays running until stopped. */
const endless = (name: string) => ({
  name,
  steps: [
    { action: 'goto', url: '/welcome' },
    { action: 'waitFor', selector: '#never', timeoutMs: 60000 },
  ],
  options: { stepTimeoutMs: 60000, timeoutMs: 90000 },
});

/** Suites end to end: real API, two real workers, Debian's Chromium, a real SMTP server and a webhook receiver. */
describe('suites', () => {
  const sink = new SmtpSink();
  const hooks: Array<{ headers: Record<string, unknown>; body: Record<string, unknown> }> = [];
  let flakyHits = 0;
  let goneHits = 0;
  let stack: Stack;
  let second: AppProcess;
  let site: TestSite;
  let dir: string;
  let suitesQueue: Queue;

  const suite = async (id: string) => json(await stack.request(`/api/suites/${id}`));
  const waitEnd = (id: string, timeoutMs = 60000) =>
    pollUntil(
      () => suite(id),
      (s) => FINAL.includes(s.status),
      timeoutMs,
      `suite ${id} ended`,
    );
  const trigger = async (body: Record<string, unknown>) => {
    const res = await stack.request('/api/suites', { body });
    expect([res.status, await res.clone().text()]).toEqual([201, expect.any(String)]);
    return json(res);
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stevedore-suites-'));
    await sink.start();
    site = await new TestSite({
      '/login': LOGIN_PAGE,
      '/welcome': WELCOME_PAGE,
      // Answers 503 to its first delivery, 204 after: the retry delivers.
      '/flaky-hook': (req, res) => {
        flakyHits++;
        req.resume();
        req.on('end', () => res.writeHead(flakyHits === 1 ? 503 : 204).end());
      },
      '/gone-hook': (req, res) => {
        goneHits++;
        req.resume();
        req.on('end', () => res.writeHead(410).end());
      },
      '/hook': (req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          hooks.push({
            headers: req.headers,
            body: JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>,
          });
          res.writeHead(204).end();
        });
      },
    }).start();
    stack = await new Stack(
      baseEnv({
        ARTIFACTS_DIR: dir,
        ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
        WORKER_CONCURRENCY: '2',
        QUEUED_CAPACITY: '40',
        MAIL_HOST: '127.0.0.1',
        MAIL_PORT: String(sink.port),
        PUBLIC_URL: 'https://stevedore.example.com',
        WEBHOOK_SECRET: 'hook-secret',
      }),
    ).start();
    // A second worker process: a suite's runs spread over both.
    const port = await freePort();
    second = new AppProcess({ env: { ...stack.env, IS_WORKER: 'true', APP_WORKER_PORT: String(port) } });
    await second.waitHealthy(`http://127.0.0.1:${port}/api/health`);
    suitesQueue = new Queue('suites', { connection: { url: TEST_REDIS_URL }, prefix: stack.env.QUEUE_PREFIX });
  });

  afterAll(async () => {
    await suitesQueue?.close();
    await Promise.all([stack?.stop(), second?.stop()]);
    await site?.stop();
    await sink.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs 6 tests over both workers: 2 fail, so the suite fails 4/2, one mail lists both, the webhook gets the report', async () => {
    const tests = [
      passing('sign in 1'),
      failing('heading is Goodbye'),
      passing('sign in 2'),
      passing('sign in 3'),
      failing('heading says Goodbye again'),
      passing('sign in 4'),
    ];
    const accepted = await trigger({
      name: 'nightly smoke',
      tests: tests.map((t) => ({ ...t, baseUrl: site.base })),
      notify: ['qa@example.com', 'lead@example.com'],
      webhookUrl: `${site.base}/hook`,
    });
    expect(accepted).toMatchObject({ status: 'queued', total: 6 });
    expect(accepted.runs.map((r: { name: string }) => r.name)).toEqual(tests.map((t) => t.name));
    const live = await readSse(`${stack.base}/api/suites/${accepted.id}/events`);
    expect(live.status).toBe(200);

    // The counts move as runs end: some reading falls between none and all done.
    const seen = new Set<number>();
    const done = await pollUntil(
      async () => {
        const s = await suite(accepted.id);
        seen.add(s.passed + s.failed + s.errored + s.cancelled);
        return s;
      },
      (s) => FINAL.includes(s.status),
      60000,
      'suite ended',
    );
    expect([...seen].some((n) => n > 0 && n < 6)).toBe(true);
    expect(done).toMatchObject({
      status: 'failed',
      total: 6,
      passed: 4,
      failed: 2,
      errored: 0,
      cancelled: 0,
      error: null,
    });
    expect(done.durationMs).toBeGreaterThan(0);

    // Live: suite.updated as runs end, the last one final with the counts, then the stream ends.
    await live.finished;
    const updates = live.events
      .filter((e) => e.event === 'suite.updated')
      .map((e) => e.data as { status: string; passed: number; failed: number });
    expect(updates.at(-1)).toMatchObject({ status: 'failed', passed: 4, failed: 2 });
    expect(updates.some((u) => u.status === 'running' && u.passed + u.failed > 0 && u.passed + u.failed < 6)).toBe(
      true,
    );
    expect(live.events.at(-1)?.event).toBe('end');
    const runs = done.runs as RunRow[];
    expect(runs.map((r) => [r.suiteIndex, r.name, r.status])).toEqual(
      tests.map((t, i) => [i, t.name, t.name.includes('Goodbye') ? 'failed' : 'passed']),
    );
    expect(new Set(runs.map((r) => r.worker)).size).toBe(2);

    // Each run is an ordinary run: listed under /api/runs, with its details.
    const listed = await json(await stack.request(`/api/runs?suiteId=${accepted.id}`));
    expect(listed.items.map((r: RunRow) => r.id).sort()).toEqual(runs.map((r) => r.id).sort());
    const failedRun = await json(await stack.request(`/api/runs/${runs[1].id}`));
    expect(failedRun.steps[1]).toMatchObject({ action: 'expectText', status: 'failed' });

    // Progress is the parent job's too (what Bull Board shows), and the parent completes: it
    // writes the final row before it returns, so its job may still be active for a moment.
    const parent = await suitesQueue.getJob(accepted.id);
    expect(parent?.progress).toMatchObject({ status: 'failed', passed: 4, failed: 2, done: 6 });
    await pollUntil(
      async () => parent?.getState(),
      (state) => state === 'completed',
      15000,
      'parent job completed',
    );

    // One mail to the notify list: counts, both failed tests with their first error, a link to each run.
    const mails = await pollUntil(
      async () => sink.to('qa@example.com'),
      (m) => m.length > 0,
      15000,
      'summary mail',
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(sink.to('qa@example.com')).toHaveLength(1);
    const raw = mails[0].raw.replace(/=\r?\n/g, '');
    expect(mails[0].to.sort()).toEqual(['lead@example.com', 'qa@example.com']);
    expect(raw).toContain('[failed] nightly smoke: 4 of 6 passed');
    expect(raw).toContain('heading is Goodbye');
    expect(raw).toContain('heading says Goodbye again');
    expect(raw).toContain('Goodbye');
    for (const run of runs) expect(raw).toContain(`https://stevedore.example.com/api/runs/${run.id}`);

    // The webhook: the same report as JSON, signed.
    const hook = await pollUntil(
      async () => hooks.find((h) => (h.body.suite as { id: string }).id === accepted.id),
      (h) => h !== undefined,
      15000,
      'webhook',
    );
    expect(hook!.headers['x-stevedore-event']).toBe('suite.finished');
    expect(hook!.headers['x-stevedore-delivery']).toBe(accepted.id);
    expect(hook!.headers['x-stevedore-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(hook!.body.suite).toMatchObject({ status: 'failed', passed: 4, failed: 2, total: 6 });
    expect((hook!.body.failures as Array<{ name: string; error: string }>).map((f) => f.name)).toEqual([
      'heading is Goodbye',
      'heading says Goodbye again',
    ]);
    expect((hook!.body.failures as Array<{ error: string }>)[0].error).toContain('Goodbye');
    expect((await suite(accepted.id)).webhookStatus).toBe('delivered');

    // Rerun the two failures as a suite of their own, by reference to their runs.
    const rerun = await trigger({
      name: 'rerun the failures',
      tests: [runs[1], runs[4]].map((r) => ({ fromRun: r.id })),
    });
    const again = await waitEnd(rerun.id);
    expect(again).toMatchObject({ status: 'failed', total: 2, failed: 2 });
    expect((again.runs as RunRow[]).map((r) => r.name)).toEqual(['heading is Goodbye', 'heading says Goodbye again']);
    const failedSuites = await json(await stack.request('/api/suites?status=failed&limit=10'));
    expect((failedSuites.items as Array<{ id: string }>).map((x) => x.id)).toEqual([rerun.id, accepted.id]);
  });

  it('a suite where every test passes ends passed; with concurrency 1 its runs never overlap (GraphQL)', async () => {
    const created = await stack.graphql(
      `mutation($input: TriggerSuiteInput!) { triggerSuite(input: $input) { id status total concurrency runs { id name status suiteIndex } } }`,
      {
        input: {
          name: 'one at a time',
          concurrency: 1,
          tests: [1, 2, 3].map((i) => ({ ...passing(`sign in ${i}`), baseUrl: site.base })),
        },
      },
    );
    expect(created.errors).toBeUndefined();
    const { id } = created.data.triggerSuite;
    expect(created.data.triggerSuite).toMatchObject({ status: 'queued', total: 3, concurrency: 1 });
    const read = async () =>
      (
        await stack.graphql(
          `query($id: ID!) { suite(id: $id) { status passed failed total runs { name status startedAt finishedAt steps { status } } } }`,
          { id },
        )
      ).data.suite;
    const done = await pollUntil(read, (s) => FINAL.includes(s.status), 60000, 'suite ended');
    expect(done).toMatchObject({ status: 'passed', passed: 3, failed: 0, total: 3 });
    const runs = (done.runs as RunRow[]).slice().sort((a, b) => Date.parse(a.startedAt!) - Date.parse(b.startedAt!));
    for (let i = 1; i < runs.length; i++)
      expect(Date.parse(runs[i].startedAt!)).toBeGreaterThanOrEqual(Date.parse(runs[i - 1].finishedAt!));
    expect(done.runs[0].steps).toHaveLength(5);
  });

  it('a suite with concurrency 1 starts its tests in their order, each after the one before ended', async () => {
    const short = (i: number) => ({
      name: `page ${i}`,
      baseUrl: site.base,
      steps: [{ action: 'goto', url: '/welcome' }],
    });
    const accepted = await trigger({ name: 'in order', concurrency: 1, tests: [0, 1, 2, 3].map(short) });
    const done = await waitEnd(accepted.id);
    expect(done).toMatchObject({ status: 'passed', passed: 4 });
    const runs = (done.runs as RunRow[]).slice().sort((a, b) => a.suiteIndex - b.suiteIndex);
    expect(runs.map((r) => r.name)).toEqual(['page 0', 'page 1', 'page 2', 'page 3']);
    // The order the runs started in, by their start times: test order, none before the one ahead ended.
    const byStart = runs.slice().sort((a, b) => Date.parse(a.startedAt!) - Date.parse(b.startedAt!));
    expect(byStart.map((r) => r.suiteIndex)).toEqual([0, 1, 2, 3]);
    for (let i = 1; i < runs.length; i++)
      expect(Date.parse(runs[i].startedAt!)).toBeGreaterThanOrEqual(Date.parse(runs[i - 1].finishedAt!));
  });

  it('retries a webhook that answers 503 until it is delivered; one that answers 410 fails at once and is kept as a dead letter', async () => {
    const quick = { ...passing('sign in'), baseUrl: site.base };
    const flaky = await trigger({ name: 'flaky hook', tests: [quick], webhookUrl: `${site.base}/flaky-hook` });
    const gone = await trigger({ name: 'gone hook', tests: [quick], webhookUrl: `${site.base}/gone-hook` });
    const failed = await pollUntil(
      () => suite(gone.id),
      (s) => s.webhookStatus === 'failed',
      30000,
      'webhook given up',
    );
    expect(failed).toMatchObject({ status: 'passed', webhookError: 'webhook answered HTTP 410' });
    expect(goneHits).toBe(1);
    const delivered = await pollUntil(
      () => suite(flaky.id),
      (s) => s.webhookStatus === 'delivered',
      30000,
      'webhook delivered on retry',
    );
    expect([delivered.webhookError, flakyHits]).toEqual([null, 2]);
    const letters = await json(await stack.request('/api/dead-letters?queue=webhooks'));
    expect(letters.items).toEqual([expect.objectContaining({ jobId: gone.id, error: 'webhook answered HTTP 410' })]);
  });

  it('cancelling mid-suite ends it cancelled with no run left running; a second cancel is 409', async () => {
    const accepted = await trigger({
      name: 'cancel me',
      tests: [1, 2, 3, 4, 5, 6].map((i) => ({ ...endless(`endless ${i}`), baseUrl: site.base })),
    });
    await pollUntil(
      () => suite(accepted.id),
      (s) => s.status === 'running' && (s.runs as RunRow[]).some((r) => r.status === 'running'),
      30000,
      'a run running',
    );
    const cancel = await stack.request(`/api/suites/${accepted.id}/cancel`, { method: 'POST' });
    expect(cancel.status).toBe(200);
    const done = await waitEnd(accepted.id, 30000);
    expect(done).toMatchObject({ status: 'cancelled', total: 6, cancelled: 6, passed: 0 });
    expect((done.runs as RunRow[]).filter((r) => IN_FLIGHT.includes(r.status))).toEqual([]);
    const runsQueue = new Queue('test-runs', { connection: { url: TEST_REDIS_URL }, prefix: stack.env.QUEUE_PREFIX });
    try {
      expect(await runsQueue.getActiveCount()).toBe(0);
    } finally {
      await runsQueue.close();
    }
    expect((await stack.request(`/api/suites/${accepted.id}/cancel`, { method: 'POST' })).status).toBe(409);
  });

  it('names every problem of a bad suite with a 400, and knows no unknown suite', async () => {
    const cases: Array<[unknown, string]> = [
      [{ tests: [passing('a')] }, 'name is required (a non-empty string)'],
      [{ name: 's', tests: [] }, 'tests must have at least one test'],
      [
        { name: 's', tests: [passing('a'), { name: 'b', steps: [{ action: 'teleport' }] }] },
        'tests[1].steps[0].action',
      ],
      [{ name: 's', tests: [passing('a')], notify: ['not-an-address'] }, 'notify[0] must be an email address'],
      [{ name: 's', tests: [passing('a')], webhookUrl: 'http://169.254.169.254/latest' }, 'webhookUrl is not allowed'],
      [{ name: 's', tests: [passing('a')], color: 'red' }, 'color is not a field of a suite'],
      [
        { name: 's', tests: [{ fromRun: '00000000-0000-4000-8000-000000000000' }] },
        'tests[0].fromRun: run 00000000-0000-4000-8000-000000000000 not found',
      ],
      [
        { name: 's', tests: [passing('a'), { fromRun: '00000000-0000-4000-8000-000000000000', name: 'x' }] },
        'tests[1].fromRun stands alone: name cannot go with it',
      ],
      [{ name: 's', tests: Array.from({ length: 41 }, (_, i) => passing(`t${i}`)) }, 'tests may have at most 40 tests'],
    ];
    for (const [body, message] of cases) {
      const res = await stack.request('/api/suites', { body });
      const answer = await json(res);
      expect([res.status, JSON.stringify(answer.message)]).toEqual([400, expect.stringContaining(message)]);
    }
    // Several problems: the suite's own and its tests', in one answer.
    const several = await stack.request('/api/suites', {
      body: {
        concurrency: 0,
        tests: [
          { ...passing('a'), baseUrl: site.base },
          { name: 'b', steps: [{ action: 'teleport' }] },
        ],
      },
    });
    expect([several.status, (await json(several)).message]).toEqual([
      400,
      [
        'name is required (a non-empty string)',
        expect.stringContaining('concurrency must be a whole number'),
        expect.stringContaining('tests[1].steps[0].action must be one of'),
      ],
    ]);
    expect((await stack.request('/api/suites/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await fetch(`${stack.base}/api/suites/00000000-0000-4000-8000-000000000000`)).status).toBe(401);
  });
});

/**
 * Capacity counts every run of a suite; and a child whose browser can never start still
 * lets its suite end (no parent stuck in waiting-children).
 */
describe('suites at capacity, and with a crashing child', () => {
  let stack: Stack;
  let dir: string;
  let waiting = 0;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stevedore-suites-crash-'));
    // The database is shared by the whole test run: three places on top of what is already waiting.
    const db = new Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
    waiting = (await db.query(`SELECT count(*)::int AS n FROM runs WHERE status = 'queued'`)).rows[0].n as number;
    await db.end();
    stack = await new Stack(
      baseEnv({
        ARTIFACTS_DIR: dir,
        ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
        CHROMIUM_PATH: '/nonexistent/chromium',
        QUEUED_CAPACITY: String(waiting + 3),
      }),
    ).start();
  });

  afterAll(async () => {
    await stack?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('admits a suite only if all its runs fit under QUEUED_CAPACITY, and gives the places back on cancel', async () => {
    // Paused: nothing starts, so every accepted run keeps its waiting place.
    const runsQueue = new Queue('test-runs', { connection: { url: TEST_REDIS_URL }, prefix: stack.env.QUEUE_PREFIX });
    await runsQueue.pause();
    try {
      const body = (n: number) => ({
        name: `${n} tests`,
        tests: Array.from({ length: n }, (_, i) => ({ ...passing(`t${i}`), baseUrl: 'http://127.0.0.1:9' })),
      });
      const tooMany = await stack.request('/api/suites', { body: body(waiting + 4) });
      expect([tooMany.status, JSON.stringify((await json(tooMany)).message)]).toEqual([
        400,
        expect.stringContaining(`tests may have at most ${waiting + 3} tests`),
      ]);
      const first = await stack.request('/api/suites', { body: body(2) });
      expect(first.status).toBe(201);
      const second = await stack.request('/api/suites', { body: body(2) });
      expect([second.status, second.headers.get('retry-after')]).toEqual([429, expect.any(String)]);
      const run = { ...passing('single'), baseUrl: 'http://127.0.0.1:9' };
      const one = await stack.request('/api/runs', { body: run });
      expect(one.status).toBe(201);
      expect((await stack.request('/api/runs', { body: run })).status).toBe(429);
      // Cancelling the suite gives its two places back; it ends cancelled without a run started.
      const { id } = await json(first);
      expect((await stack.request(`/api/suites/${id}/cancel`, { method: 'POST' })).status).toBe(200);
      const third = await stack.request('/api/suites', { body: body(2) });
      expect(third.status).toBe(201);
      expect((await stack.request('/api/runs', { body: run })).status).toBe(429);
      const cancelled = await pollUntil(
        async () => json(await stack.request(`/api/suites/${id}`)),
        (s) => FINAL.includes(s.status),
        15000,
        'cancelled suite ended',
      );
      expect(cancelled).toMatchObject({ status: 'cancelled', cancelled: 2, startedAt: null });
      // Clean up: the places go back for the next test.
      expect((await stack.request(`/api/suites/${(await json(third)).id}/cancel`, { method: 'POST' })).status).toBe(
        200,
      );
      expect((await stack.request(`/api/runs/${(await json(one)).id}/cancel`, { method: 'POST' })).status).toBe(200);
    } finally {
      await runsQueue.resume();
      await runsQueue.close();
    }
  });

  it('ends error with each run error after its retries, and the parent job completes', async () => {
    const res = await stack.request('/api/suites', {
      body: {
        name: 'no browser',
        tests: [passing('a'), passing('b')].map((t) => ({ ...t, baseUrl: 'http://127.0.0.1:9' })),
      },
    });
    expect(res.status).toBe(201);
    const { id } = await json(res);
    const done = await pollUntil(
      async () => json(await stack.request(`/api/suites/${id}`)),
      (s) => FINAL.includes(s.status),
      60000,
      'suite ended',
    );
    expect(done).toMatchObject({ status: 'error', errored: 2, passed: 0, failed: 0 });
    expect(
      (done.runs as Array<{ status: string; attempt: number; error: string }>).map((r) => [r.status, r.attempt]),
    ).toEqual([
      ['error', 3],
      ['error', 3],
    ]);
    const queue = new Queue('suites', { connection: { url: TEST_REDIS_URL }, prefix: stack.env.QUEUE_PREFIX });
    try {
      // The row is final before the parent job returns: wait for the job's own end.
      await pollUntil(
        async () => (await queue.getJob(id))?.getState(),
        (state) => state === 'completed',
        15000,
        'parent job completed',
      );
    } finally {
      await queue.close();
    }
  });
});

/**
 * A suite whose last runs end while no worker is alive (cancelled through the API) ends
 * there and then: the API settles it from the rows, its summary email queued for the
 * workers to send when they come back. Only an API runs in this block.
 */
describe('suites ending with no worker alive', () => {
  let api: AppProcess;
  let base = '';
  const request = async (path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method: body === undefined && !path.endsWith('/cancel') ? 'GET' : 'POST',
      headers: { 'x-api-key': TEST_API_KEY, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await json(res) };
  };
  const tests = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ ...passing(`t${i}`), baseUrl: 'http://127.0.0.1:9' }));

  beforeAll(async () => {
    const port = await freePort();
    api = new AppProcess({ env: { ...baseEnv({ ALLOWED_PRIVATE_HOSTS: '127.0.0.1' }), APP_PORT: String(port) } });
    base = `http://127.0.0.1:${port}`;
    await api.waitHealthy(`${base}/api/health`);
  });

  afterAll(async () => {
    await api?.stop();
  });

  it('ends when its last queued run is cancelled, counts and summary email included', async () => {
    const { status, body: accepted } = await request('/api/suites', {
      name: 'no workers',
      tests: tests(3),
      notify: ['qa@example.com'],
    });
    expect(status).toBe(201);
    const [first, ...rest] = accepted.runs as RunRow[];
    expect((await request(`/api/runs/${first.id}/cancel`)).status).toBe(200);
    // Two runs still in flight: not the end yet.
    expect((await request(`/api/suites/${accepted.id}`)).body).toMatchObject({ status: 'queued', finishedAt: null });
    for (const run of rest) expect((await request(`/api/runs/${run.id}/cancel`)).status).toBe(200);
    const ended = (await request(`/api/suites/${accepted.id}`)).body;
    expect(ended).toMatchObject({
      status: 'cancelled',
      total: 3,
      cancelled: 3,
      passed: 0,
      finishedAt: expect.any(String),
    });
    const email = await request(`/api/emails/${suiteEmailId(accepted.id as string)}`);
    expect([email.status, email.body.status, email.body.to]).toEqual([200, 'queued', ['qa@example.com']]);
  });

  it("ends at once when it is cancelled as a whole, and a run's cancel after that is a 409", async () => {
    const { body: accepted } = await request('/api/suites', { name: 'cancel all, no workers', tests: tests(2) });
    const cancelled = await request(`/api/suites/${accepted.id}/cancel`);
    expect([cancelled.status, cancelled.body.status, cancelled.body.cancelled]).toEqual([200, 'cancelled', 2]);
    expect((await request(`/api/runs/${(accepted.runs as RunRow[])[0].id}/cancel`)).status).toBe(409);
    expect((await request(`/api/suites/${accepted.id}/cancel`)).status).toBe(409);
  });
});
