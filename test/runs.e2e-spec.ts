import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppProcess } from './helpers/app-process';
import { freePort } from './helpers/free-port';
import { FIVE_STEPS } from './helpers/five-step-run';
import { json } from './helpers/json';
import { commandLine, processTree } from './helpers/process-tree';
import { pollUntil } from './helpers/poll';
import { Stack } from './helpers/stack';
import { Client } from 'pg';
import { baseEnv, TEST_API_KEY, TEST_DATABASE_URL } from './helpers/test-env';
import { LOGIN_PAGE, TestSite, WELCOME_PAGE } from './helpers/test-site';

const FINAL = ['passed', 'failed', 'error', 'cancelled', 'timed_out'];

/** Browser test runs end to end: a real API, a real worker and Debian's Chromium against a site the test serves. */
describe('runs', () => {
  let stack: Stack;
  let site: TestSite;
  let dir: string;

  const run = async (id: string) => json(await stack.request(`/api/runs/${id}`));
  const waitEnd = (id: string, timeoutMs = 40000) =>
    pollUntil(
      () => run(id),
      (r) => FINAL.includes(r.status),
      timeoutMs,
      `run ${id} ended`,
    );
  const trigger = async (body: Record<string, unknown>) => {
    const res = await stack.request('/api/runs', { body });
    expect([res.status, await res.clone().text()]).toEqual([201, expect.any(String)]);
    return (await json(res)).id as string;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stevedore-runs-'));
    site = await new TestSite({
      '/login': LOGIN_PAGE,
      '/welcome': WELCOME_PAGE,
      '/to-private': (_req, res) => res.writeHead(302, { location: `http://localhost:${site.port}/secret` }).end(),
      '/secret': '<title>Secret</title><h1>internal</h1>',
    }).start();
    stack = await new Stack(
      baseEnv({ ARTIFACTS_DIR: dir, ALLOWED_PRIVATE_HOSTS: '127.0.0.1', WORKER_CONCURRENCY: '2' }),
    ).start();
  });

  afterAll(async () => {
    await stack?.stop();
    await site?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs a passing 5-step test: every step stored, its screenshot downloadable', async () => {
    const id = await trigger({
      name: 'sign-in works',
      baseUrl: site.base,
      steps: FIVE_STEPS,
    });
    const done = await waitEnd(id);
    expect(done).toMatchObject({ status: 'passed', attempt: 1, error: null });
    expect(done.steps.map((s: { status: string }) => s.status)).toEqual([
      'passed',
      'passed',
      'passed',
      'passed',
      'passed',
    ]);
    expect(done.steps.map((s: { action: string }) => s.action)).toEqual([
      'goto',
      'fill',
      'click',
      'expectText',
      'screenshot',
    ]);
    const shot = done.artifacts.find((a: { name: string }) => a.name === 'signed-in.png');
    expect(shot).toMatchObject({
      kind: 'screenshot',
      contentType: 'image/png',
      url: `/api/runs/${id}/artifacts/signed-in.png`,
    });
    const file = await stack.request(shot.url);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/png');
    const bytes = Buffer.from(await file.arrayBuffer());
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    // Passed with trace retain-on-failure: no trace kept.
    expect(done.artifacts.map((a: { name: string }) => a.name)).not.toContain('trace.zip');
    expect(site.hits).toEqual(expect.arrayContaining(['/login', '/welcome']));
  });

  it('stores a failed assertion as failed: the step and message named, failure screenshot and trace kept', async () => {
    const id = await trigger({
      name: 'wrong heading',
      baseUrl: site.base,
      steps: [
        { action: 'goto', url: '/welcome' },
        { action: 'expectText', selector: 'h1', text: 'Goodbye' },
        { action: 'click', selector: '#never' },
      ],
      options: { stepTimeoutMs: 1000 },
    });
    const done = await waitEnd(id);
    expect(done.status).toBe('failed');
    expect(done.attempt).toBe(1);
    expect(done.error).toMatch(/^step 1 \(expectText\) failed: .*expected h1 to contain "Goodbye", got "Welcome"/);
    expect(done.steps.map((s: { status: string }) => s.status)).toEqual(['passed', 'failed', 'skipped']);
    expect(done.steps[1]).toMatchObject({
      screenshot: 'step-1-failure.png',
      error: expect.stringContaining('Timeout 1000ms exceeded'),
    });
    const names = done.artifacts.map((a: { name: string }) => a.name);
    expect(names).toEqual(expect.arrayContaining(['step-1-failure.png', 'trace.zip']));
    const trace = await stack.request(`/api/runs/${id}/artifacts/trace.zip`);
    expect(trace.status).toBe(200);
    expect(
      Buffer.from(await trace.arrayBuffer())
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');
  });

  it("fails a step that times out with Playwright's message", async () => {
    const id = await trigger({
      name: 'missing button',
      baseUrl: site.base,
      steps: [
        { action: 'goto', url: '/login' },
        { action: 'click', selector: '#missing', timeoutMs: 500 },
      ],
    });
    const done = await waitEnd(id);
    expect(done.status).toBe('failed');
    expect(done.steps[1].error).toMatch(/Timeout 500ms exceeded/);
    expect(done.steps[1].error).toContain('#missing');
  });

  it('ends timed_out when the run outlasts options.timeoutMs, keeping the steps done', async () => {
    const id = await trigger({
      name: 'too slow',
      baseUrl: site.base,
      steps: [
        { action: 'goto', url: '/login' },
        { action: 'waitFor', selector: '#never-appears', timeoutMs: 60000 },
        { action: 'click', selector: 'button' },
      ],
      options: { timeoutMs: 2000, trace: 'off' },
    });
    const done = await waitEnd(id);
    expect(done.status).toBe('timed_out');
    expect(done.steps.map((s: { status: string }) => s.status)).toEqual(['passed', 'failed', 'skipped']);
    expect(done.steps[1].error).toBe('run timed out after 2000 ms');
  });

  it('cancels a running run within 2 seconds, keeping its partial results', async () => {
    const id = await trigger({
      name: 'to be cancelled',
      baseUrl: site.base,
      steps: [
        { action: 'goto', url: '/login' },
        { action: 'waitFor', selector: '#never-appears', timeoutMs: 60000 },
      ],
      options: { timeoutMs: 60000, trace: 'off' },
    });
    await pollUntil(
      () => run(id),
      (r) => r.steps.length >= 1 || FINAL.includes(r.status),
      20000,
      'first step done',
    );
    const asked = Date.now();
    const res = await stack.request(`/api/runs/${id}/cancel`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ id, status: 'running', cancelRequested: true });
    const done = await waitEnd(id, 10000);
    expect(Date.now() - asked).toBeLessThan(2000);
    expect(done.status).toBe('cancelled');
    expect(done.steps[0].status).toBe('passed');
    // Cancelling again: it already ended.
    expect((await stack.request(`/api/runs/${id}/cancel`, { method: 'POST' })).status).toBe(409);
  });

  it('refuses a private target: at the API for the URL given, in the browser for a redirect', async () => {
    const direct = await stack.request('/api/runs', {
      body: { name: 'private', steps: [{ action: 'goto', url: `http://localhost:${site.port}/secret` }] },
    });
    expect(direct.status).toBe(400);
    expect((await json(direct)).message[0]).toMatch(
      /^steps\[0\]\.url is not allowed: localhost resolves to (127\.0\.0\.1|::1), which is not a public address \(loopback/,
    );

    const id = await trigger({
      name: 'redirect to private',
      baseUrl: site.base,
      steps: [{ action: 'goto', url: '/to-private' }],
      options: { trace: 'off' },
    });
    const done = await waitEnd(id);
    expect(done.status).toBe('failed');
    expect(done.steps[0].error).toMatch(
      /refused by the egress guard: localhost resolves to (127\.0\.0\.1|::1), which is not a public address/,
    );
    expect(site.hits).not.toContain('/secret');
  });

  it('lists runs newest first with a status filter and a cursor', async () => {
    const page1 = await json(await stack.request('/api/runs?limit=2'));
    expect(page1.items).toHaveLength(2);
    expect(page1.nextCursor).toEqual(expect.any(String));
    const page2 = await json(await stack.request(`/api/runs?limit=2&cursor=${page1.nextCursor}`));
    expect(page2.items[0].id).not.toBe(page1.items[1].id);
    expect(Date.parse(page2.items[0].createdAt)).toBeLessThanOrEqual(Date.parse(page1.items[1].createdAt));
    const passed = await json(await stack.request('/api/runs?status=passed&limit=100'));
    expect(passed.items.length).toBeGreaterThan(0);
    expect(passed.items.every((r: { status: string }) => r.status === 'passed')).toBe(true);
    expect((await stack.request('/api/runs?status=nope')).status).toBe(400);
    expect((await stack.request('/api/runs?limit=1000')).status).toBe(400);
  });

  it('triggers and reads a run through GraphQL', async () => {
    const { data, errors } = await stack.graphql(
      'mutation ($input: TriggerRunInput!) { triggerRun(input: $input) { id status } }',
      {
        input: {
          name: 'graphql run',
          baseUrl: site.base,
          steps: [
            { action: 'goto', url: '/welcome' },
            { action: 'expectTitle', text: 'Welcome' },
          ],
        },
      },
    );
    expect(errors).toBeUndefined();
    expect(data.triggerRun.status).toBe('queued');
    await waitEnd(data.triggerRun.id);
    const read = await stack.graphql(
      `{ run(id: "${data.triggerRun.id}") { status steps { index action status } artifacts { name } } }`,
    );
    expect(read.data.run).toMatchObject({
      status: 'passed',
      steps: [
        { index: 0, action: 'goto', status: 'passed' },
        { index: 1, action: 'expectTitle', status: 'passed' },
      ],
    });
    const bad = await stack.graphql(
      'mutation { triggerRun(input: { name: "x", steps: [{ action: "teleport" }] }) { id } }',
    );
    expect(bad.errors?.[0].message).toMatch(/^steps\[0\]\.action must be one of goto/);
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_REQUEST', status: 400 });
  });

  const long = 'x'.repeat(2001);
  it.each([
    ['no body fields', {}, 'name is required'],
    ['no steps', { name: 'n' }, 'steps or script is required'],
    ['empty steps', { name: 'n', steps: [] }, 'steps must have at least one step'],
    [
      'too many steps',
      {
        name: 'n',
        baseUrl: 'http://127.0.0.1',
        steps: Array.from({ length: 101 }, () => ({ action: 'goto', url: '/' })),
      },
      'steps may have at most 100 steps',
    ],
    ['an unknown action', { name: 'n', steps: [{ action: 'teleport' }] }, 'steps[0].action must be one of'],
    [
      'a click without selector',
      { name: 'n', steps: [{ action: 'goto', url: 'http://127.0.0.1/' }, { action: 'click' }] },
      'steps[1].selector is required for click',
    ],
    [
      'a fill without value',
      { name: 'n', steps: [{ action: 'fill', selector: '#a' }] },
      'steps[0].value is required for fill',
    ],
    ['a goto without url', { name: 'n', steps: [{ action: 'goto' }] }, 'steps[0].url is required for goto'],
    [
      'a selector of the wrong type',
      { name: 'n', steps: [{ action: 'click', selector: 42 }] },
      'steps[0].selector must be a string',
    ],
    [
      'a field the action does not use',
      { name: 'n', steps: [{ action: 'click', selector: '#a', url: '/x' }] },
      'steps[0].url is not used by click',
    ],
    [
      'a non-http url',
      { name: 'n', steps: [{ action: 'goto', url: 'file:///etc/passwd' }] },
      'steps[0].url must be an http or https URL',
    ],
    [
      'a relative url without baseUrl',
      { name: 'n', steps: [{ action: 'goto', url: '/login' }] },
      'steps[0].url is relative, so the run needs a baseUrl',
    ],
    [
      'a bad baseUrl',
      { name: 'n', baseUrl: 'ftp://x', steps: [{ action: 'goto', url: '/' }] },
      'baseUrl must be an http or https URL',
    ],
    [
      'a too long selector',
      { name: 'n', steps: [{ action: 'click', selector: long }] },
      'steps[0].selector must be at most 2000 characters',
    ],
    [
      'a bad screenshot name',
      { name: 'n', steps: [{ action: 'screenshot', name: '../etc' }] },
      'steps[0].name must be letters, digits',
    ],
    [
      'a timeout above TEST_EXECUTION_TIMEOUT_MS',
      { name: 'n', steps: [{ action: 'goto', url: 'http://127.0.0.1/' }], options: { timeoutMs: 999999999 } },
      'options.timeoutMs must be a whole number of milliseconds from 1000 to 120000',
    ],
    [
      'an unknown trace mode',
      { name: 'n', steps: [{ action: 'goto', url: 'http://127.0.0.1/' }], options: { trace: 'sometimes' } },
      'options.trace must be one of off, on, retain-on-failure',
    ],
    [
      'a priority out of range',
      { name: 'n', priority: 99, steps: [{ action: 'goto', url: 'http://127.0.0.1/' }] },
      'priority must be a whole number from 1',
    ],
    [
      'an unknown top-level field',
      { name: 'n', steps: [{ action: 'goto', url: 'http://127.0.0.1/' }], color: 'red' },
      'color is not a field of a run',
    ],
  ])('answers 400 naming the field for %s', async (_what, body, message) => {
    const res = await stack.request('/api/runs', { body });
    expect(res.status).toBe(400);
    expect((await json(res)).message.join('\n')).toContain(message);
  });

  it('answers 404 for an unknown run or artifact and 400 for a bad artifact name', async () => {
    expect((await stack.request('/api/runs/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    const { items } = await json(await stack.request('/api/runs?limit=1'));
    expect((await stack.request(`/api/runs/${items[0].id}/artifacts/nothing.png`)).status).toBe(404);
    expect((await stack.request(`/api/runs/${items[0].id}/artifacts/..%2F..%2Fetc`)).status).toBe(400);
  });
});

describe('runs: video', () => {
  let stack: Stack;
  let site: TestSite;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stevedore-video-'));
    site = await new TestSite({ '/welcome': WELCOME_PAGE }).start();
    stack = await new Stack(baseEnv({ ARTIFACTS_DIR: dir, ALLOWED_PRIVATE_HOSTS: '127.0.0.1' })).start();
  });

  afterAll(async () => {
    await stack?.stop();
    await site?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('records video.webm when asked, downloadable', async () => {
    const res = await stack.request('/api/runs', {
      body: {
        name: 'with video',
        baseUrl: site.base,
        steps: [
          { action: 'goto', url: '/welcome' },
          { action: 'expectVisible', selector: 'h1' },
        ],
        options: { video: true },
      },
    });
    const { id } = await json(res);
    const done = await pollUntil(
      async () => json(await stack.request(`/api/runs/${id}`)),
      (r) => FINAL.includes(r.status),
      30000,
      'run ended',
    );
    expect([done.status, done.error]).toEqual(['passed', null]);
    const video = done.artifacts.find((a: { name: string }) => a.name === 'video.webm');
    expect(video).toMatchObject({
      kind: 'video',
      contentType: 'video/webm',
      url: `/api/runs/${id}/artifacts/video.webm`,
    });
    const file = Buffer.from(await (await stack.request(video.url)).arrayBuffer());
    // WebM is Matroska: an EBML header.
    expect(file.subarray(0, 4).toString('hex')).toBe('1a45dfa3');
    expect(file.length).toBe(video.sizeBytes);
  });
});

describe('runs: capacity and queued cancel (no worker)', () => {
  let api: AppProcess;
  let base: string;
  const body = { name: 'waits', steps: [{ action: 'goto', url: 'http://127.0.0.1:9/' }] };
  const post = (path: string, payload?: unknown) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'x-api-key': TEST_API_KEY, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    // The database is shared by the suite: three places on top of what is already waiting.
    const db = new Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
    const [{ n }] = (await db.query(`SELECT count(*)::int AS n FROM runs WHERE status = 'queued'`)).rows;
    await db.end();
    api = new AppProcess({
      env: baseEnv({ APP_PORT: String(port), QUEUED_CAPACITY: String(n + 3), ALLOWED_PRIVATE_HOSTS: '127.0.0.1' }),
    });
    await api.waitHealthy(`${base}/api/health`);
  });

  afterAll(async () => {
    await api?.stop();
  });

  it('admits exactly QUEUED_CAPACITY runs under concurrent requests; the rest get 429 with Retry-After and create nothing', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, () => post('/api/runs', body)));
    const created = answers.filter((r) => r.status === 201);
    const refused = answers.filter((r) => r.status === 429);
    expect([created.length, refused.length]).toEqual([3, 7]);
    expect(refused[0].headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await json(refused[0])).message).toMatch(/At capacity/);
    const ids = await Promise.all(created.map(async (r) => (await json(r)).id));
    const list = await json(
      await fetch(`${base}/api/runs?status=queued&limit=100`, { headers: { 'x-api-key': TEST_API_KEY } }),
    );
    expect(list.items.filter((r: { id: string }) => ids.includes(r.id))).toHaveLength(3);

    // GraphQL follows the same rule.
    const gql = await post('/graphql', {
      query:
        'mutation { triggerRun(input: { name: "x", steps: [{ action: "goto", url: "http://127.0.0.1:9/" }] }) { id } }',
    });
    expect((await json(gql)).errors[0].extensions).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      status: 429,
      retryAfter: expect.any(Number),
    });

    // Cancelling a queued run gives its place back.
    const cancel = await post(`/api/runs/${ids[0]}/cancel`);
    expect(await json(cancel)).toEqual({ id: ids[0], status: 'cancelled', cancelRequested: true });
    const again = await post('/api/runs', body);
    expect(again.status).toBe(201);
    const run = await json(await fetch(`${base}/api/runs/${ids[0]}`, { headers: { 'x-api-key': TEST_API_KEY } }));
    expect(run).toMatchObject({ status: 'cancelled', steps: [] });
    // Leave nothing waiting for the rest of the suite.
    for (const id of [...ids.slice(1), (await json(again)).id])
      expect((await post(`/api/runs/${id}/cancel`)).status).toBe(200);
  });
});

describe('runs: browser faults', () => {
  let stack: Stack;
  let crashing: Stack;
  let site: TestSite;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stevedore-crash-'));
    site = await new TestSite({
      // The heading appears late, so the run is still going when its browser is killed.
      '/late':
        '<title>Late</title><h1></h1><script>setTimeout(() => (document.querySelector("h1").textContent = "Ready"), 2000)</script>',
    }).start();
    [stack, crashing] = await Promise.all([
      new Stack(baseEnv({ CHROMIUM_PATH: '/nonexistent/chromium', ALLOWED_PRIVATE_HOSTS: '127.0.0.1' })).start(),
      new Stack(baseEnv({ ARTIFACTS_DIR: dir, ALLOWED_PRIVATE_HOSTS: '127.0.0.1' })).start(),
    ]);
  });

  afterAll(async () => {
    await Promise.all([stack?.stop(), crashing?.stop()]);
    await site?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('retries a run whose browser dies mid-run on a fresh browser, without duplicated step results', async () => {
    const { id } = await json(
      await crashing.request('/api/runs', {
        body: {
          name: 'browser dies',
          baseUrl: site.base,
          steps: [
            { action: 'goto', url: '/late' },
            { action: 'expectText', selector: 'h1', text: 'Ready', timeoutMs: 10000 },
          ],
          options: { trace: 'off' },
        },
      }),
    );
    await pollUntil(
      async () => json(await crashing.request(`/api/runs/${id}`)),
      (r) => r.steps.length >= 1,
      20000,
      'first step stored',
    );
    const browsers = processTree(crashing.worker.child.pid!).filter(
      (pid) => /chromium/.test(commandLine(pid)) && !/--type=/.test(commandLine(pid)),
    );
    expect(browsers.length).toBeGreaterThan(0);
    browsers.forEach((pid) => process.kill(pid, 'SIGKILL'));
    const done = await pollUntil(
      async () => json(await crashing.request(`/api/runs/${id}`)),
      (r) => FINAL.includes(r.status),
      40000,
      'run ended',
    );
    expect(done).toMatchObject({ status: 'passed', attempt: 2 });
    expect(done.steps.map((s: { index: number; status: string }) => [s.index, s.status])).toEqual([
      [0, 'passed'],
      [1, 'passed'],
    ]);
  });

  it('retries a run whose browser cannot start, then ends it error', async () => {
    const { id } = await json(
      await stack.request('/api/runs', {
        body: { name: 'no browser', steps: [{ action: 'goto', url: 'http://127.0.0.1:9/' }] },
      }),
    );
    const done = await pollUntil(
      async () => json(await stack.request(`/api/runs/${id}`)),
      (r) => FINAL.includes(r.status),
      45000,
      'run ended',
    );
    expect(done.status).toBe('error');
    expect(done.attempt).toBe(3);
    expect(done.error).toMatch(/^browser fault: /);
  });
});
