/* eslint-disable @typescript-eslint/no-explicit-any -- runs are read as JSON */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cgroupLayout } from '../src/sandbox/cgroup-limits';
import { AppProcess } from './helpers/app-process';
import { FIVE_STEPS } from './helpers/five-step-run';
import { freePort } from './helpers/free-port';
import { readSse } from './helpers/live-clients';
import { json } from './helpers/json';
import { pollUntil } from './helpers/poll';
import { FINAL_RUN_STATES, queueScriptRun, scriptRun, waitRunEnd } from './helpers/script-runs';
import { Stack } from './helpers/stack';
import { baseEnv, TEST_API_KEY } from './helpers/test-env';
import { LOGIN_PAGE, TestSite, WELCOME_PAGE } from './helpers/test-site';

/** Three tests: one passes in two test.steps, one fails on an expect, one passes on its retry. */
const THREE_TESTS = `import { test, expect } from '@playwright/test';

test.describe('sign in', () => {
  test('works', async ({ page }) => {
    await test.step('open the form', async () => {
      await page.goto('/login');
    });
    await test.step('sign in', async () => {
      await page.locator('#email').fill('a@example.com');
      await page.locator("role=button[name='Sign in']").click();
      await expect(page.locator('h1')).toHaveText('Welcome');
    });
    console.log('signed in as a@example.com');
  });

  test('greets by name', async ({ page }) => {
    await page.goto('/welcome');
    await expect(page.locator('h1')).toHaveText('Welcome back, Ada', { timeout: 1000 });
  });
});

test('flaky', async ({ page }, testInfo) => {
  await page.goto('/welcome');
  expect(testInfo.retry, 'fails on its first attempt').toBe(1);
});
`;

/** A test that waits long enough to be stopped in the middle. */
const WAITS = `import { test } from '@playwright/test';
test('waits', async ({ page }) => {
  await page.goto('/login');
  await page.waitForTimeout(120000);
});
`;

/** Uses a secret, prints it, puts it in a step title, an error and an attachment. */
const LEAKS = `import { test, expect } from '@playwright/test';
test('uses the password', async ({}, testInfo) => {
  const password = process.env.SHOP_PASSWORD ?? '';
  console.log('password is', password, 'and the plain one is', process.env.PLAIN);
  await testInfo.attach('note', { body: 'note: ' + password, contentType: 'text/plain' });
  await test.step('type ' + password, async () => {
    expect(password, 'the password ' + password).toBe('something else');
  });
});
`;

type Test = { title: string; status: string; attempts: number; [key: string]: unknown };

/** Script runs end to end: a real API, a real worker, Playwright Test in the sandbox, the worker's Chromium. */
describe('script runs', () => {
  let stack: Stack;
  let site: TestSite;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stevedore-script-runs-'));
    site = await new TestSite({ '/login': LOGIN_PAGE, '/welcome': WELCOME_PAGE }).start();
    // A short lock: a killed worker's run is taken over within seconds.
    stack = await new Stack(
      baseEnv({
        ARTIFACTS_DIR: dir,
        ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
        JOB_LOCK_MS: '3000',
        WORKER_CONCURRENCY: '2',
        SECRETS_KEY: randomBytes(32).toString('base64'),
      }),
    ).start();
  });

  afterAll(async () => {
    await stack?.stop();
    await site?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const read = async (id: string) => (await stack.request(`/api/runs/${id}`)).json() as Promise<Record<string, any>>;
  const running = (id: string) =>
    pollUntil(
      () => read(id),
      (run) => (run.tests as Test[] | undefined)?.some((t) => t.status === 'running') ?? false,
      60000,
      'a test running',
    );

  it('stores each test with its state, steps, error location, output and files, and reports each live', async () => {
    const id = await queueScriptRun(
      stack,
      scriptRun(THREE_TESTS, { baseUrl: site.base, retries: 1, name: 'three tests' }),
    );
    const sse = await readSse(`${stack.base}/api/runs/${id}/events`);
    const run = await waitRunEnd(stack, id);
    await sse.finished;

    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/1 of 3 tests failed; first: sign in › greets by name/);
    const tests = run.tests as Test[];
    expect(tests.map((t) => [t.describePath, t.title, t.status, t.attempts])).toEqual([
      [['sign in'], 'works', 'passed', 1],
      [['sign in'], 'greets by name', 'failed', 2],
      [[], 'flaky', 'flaky', 2],
    ]);
    const [works, greets] = tests as any[];
    expect(works).toMatchObject({ file: 'a.spec.ts', line: 4, stdout: 'signed in as a@example.com\n' });
    const steps = works.steps.filter((s: any) => s.category === 'test.step');
    expect(steps.map((s: any) => s.title)).toEqual(['open the form', 'sign in']);
    expect(steps.every((s: any) => s.durationMs > 0 && s.steps.length > 0)).toBe(true);

    // The failure: Playwright's message, the code frame, and where in the user's file.
    const [error] = greets.errors;
    expect(error.message).toContain('Welcome back, Ada');
    expect(error.location).toEqual({ file: 'a.spec.ts', line: 18, column: 38 });
    expect(error.snippet).toContain("> 18 |     await expect(page.locator('h1')).toHaveText('Welcome back, Ada'");

    // Its failure screenshot and trace (retain-on-failure), downloadable.
    const kept = Object.fromEntries((greets.attachments as any[]).map((a) => [a.name, a.artifact]));
    expect(kept).toMatchObject({
      screenshot: expect.stringMatching(/^test-1-retry1-screenshot/),
      trace: 'test-1-retry1-trace.zip',
    });
    const shot = await stack.request(`/api/runs/${id}/artifacts/${kept.screenshot}`);
    expect([shot.status, shot.headers.get('content-type')]).toEqual([200, 'image/png']);
    expect(
      Buffer.from(await shot.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    const trace = await stack.request(`/api/runs/${id}/artifacts/test-1-retry1-trace.zip`);
    expect(
      Buffer.from(await trace.arrayBuffer())
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');
    // A passing test keeps no trace under retain-on-failure.
    expect(works.attachments).toEqual([]);

    // Live: each attempt that ended, as it ended, then the run's end.
    const ended = sse.events.filter((e) => e.event === 'run.test').map((e) => [e.data.index, e.data.status]);
    expect(ended).toEqual(
      expect.arrayContaining([
        [0, 'passed'],
        [1, 'running'],
        [1, 'failed'],
        [2, 'running'],
        [2, 'flaky'],
      ]),
    );
    expect(sse.events.at(-1)!.event).toBe('end');

    // GraphQL gives the same tests.
    const gql = await stack.graphql(
      `query ($id: ID!) { run(id: $id) { status tests { index title status attempts errors } } }`,
      {
        id,
      },
    );
    expect(gql.data.run.tests.map((t: any) => [t.title, t.status, t.attempts])).toEqual(
      tests.map((t) => [t.title, t.status, t.attempts]),
    );
    expect(gql.data.run.tests[1].errors[0].location).toEqual({ file: 'a.spec.ts', line: 18, column: 38 });

    // Playwright's HTML report, served by the API (a browser signs in with Basic: the key as password).
    const basic = { authorization: `Basic ${Buffer.from(`qa:${TEST_API_KEY}`).toString('base64')}` };
    const report = await fetch(`${stack.base}/api/runs/${id}/report/`, { headers: basic });
    expect([report.status, report.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    expect(await report.text()).toContain('id="playwrightReportBase64">data:application/zip;base64,');
    // The JUnit file for CI systems: the three tests, one failure.
    const junit = await (await stack.request(`/api/runs/${id}/artifacts/junit.xml`)).text();
    expect(junit).toMatch(/<testsuites [^>]*tests="3" [^>]*failures="1"/);
  });

  it('gives a test its secrets and env, and redacts the secret from everything stored', async () => {
    const secret = `hunter2-${randomBytes(6).toString('hex')}`;
    const created = await stack.request('/api/secrets', { body: { name: 'SHOP_PASSWORD', value: secret } });
    expect(created.status).toBe(201);
    const id = await queueScriptRun(
      stack,
      scriptRun(LEAKS, { secrets: ['SHOP_PASSWORD'], env: { PLAIN: 'plain-value' } }),
    );
    const run = await waitRunEnd(stack, id);
    expect(run.status).toBe('failed');
    const [test] = run.tests as any[];
    // The test had it (its printed line and its step's title carry the marker in its place)...
    expect(test.stdout).toBe('password is [redacted:SHOP_PASSWORD] and the plain one is plain-value\n');
    expect(test.steps.map((s: any) => s.title)).toContain('type [redacted:SHOP_PASSWORD]');
    // ...and it is nowhere: not in the run, its tests, errors, or any file kept.
    expect(JSON.stringify(run)).not.toContain(secret);
    for (const { name } of run.artifacts as Array<{ name: string }>) {
      const file = Buffer.from(await (await stack.request(`/api/runs/${id}/artifacts/${name}`)).arrayBuffer());
      expect([name, file.includes(secret)]).toEqual([name, false]);
    }
    const reportData = await stack.request(`/api/runs/${id}/report/`);
    expect((await reportData.text()).length).toBeGreaterThan(1000);
    const zip = readFileSync(join(dir, 'runs', id, 'report', 'report.zip'));
    expect(zip.length).toBeGreaterThan(100);
    const { unzipSync } = await import('fflate');
    for (const [name, content] of Object.entries(unzipSync(zip)))
      expect([name, Buffer.from(content).includes(secret)]).toEqual([name, false]);
    const note = (test.attachments as any[]).find((a) => a.name === 'note');
    expect(await (await stack.request(`/api/runs/${id}/artifacts/${note.artifact}`)).text()).toBe(
      'note: [redacted:SHOP_PASSWORD]',
    );
  });

  it("reveals a run's secrets from its own project: two projects, one name, each its value", async () => {
    const project = await json(await stack.request('/api/projects', { body: { name: `secrets-${randomUUID()}` } }));
    const made = await json(
      await stack.request(`/api/projects/${project.id}/keys`, { body: { name: 'ci', scopes: ['admin'] } }),
    );
    const asOther = { 'x-api-key': made.key as string };
    const [mine, theirs] = [`mine-${randomUUID()}`, `theirs-${randomUUID()}`];
    const name = `PROJECT_TOKEN_${randomBytes(4).toString('hex')}`;
    expect((await stack.request('/api/secrets', { body: { name, value: mine } })).status).toBe(201);
    const stored = await stack.request('/api/secrets', {
      body: { name, value: theirs },
      headers: asOther,
    });
    expect(stored.status).toBe(201);
    // The test passes only if the value it was given is the one EXPECTED names (a plain env, not redacted).
    const compares = `import { test, expect } from '@playwright/test';
test('has its project value', async () => {
  expect(process.env[process.env.TOKEN_NAME!] === process.env.EXPECTED ? 'its own' : 'another').toBe('its own');
});
`;
    const theirRun = await stack.request('/api/runs', {
      body: scriptRun(compares, { secrets: [name], env: { EXPECTED: theirs, TOKEN_NAME: name } }),
      headers: asOther,
    });
    expect(theirRun.status).toBe(201);
    const myRun = await queueScriptRun(
      stack,
      scriptRun(compares, { secrets: [name], env: { EXPECTED: mine, TOKEN_NAME: name } }),
    );
    const theirId = (await json(theirRun)).id as string;
    const theirEnd = await pollUntil(
      async () => json(await stack.request(`/api/runs/${theirId}`, { headers: asOther })),
      (run) => FINAL_RUN_STATES.includes(run.status),
      90000,
      'the other project run ended',
    );
    expect(theirEnd.status).toBe('passed');
    expect((await waitRunEnd(stack, myRun)).status).toBe('passed');
    await stack.request(`/api/secrets/${name}`, { method: 'DELETE' });
  });

  it('keeps a video per test when the run asks for one', async () => {
    const id = await queueScriptRun(
      stack,
      scriptRun(WAITS.replace('120000', '300'), { baseUrl: site.base, options: { video: true, trace: 'on' } }),
    );
    const run = await waitRunEnd(stack, id);
    expect(run.status).toBe('passed');
    const kept = Object.fromEntries((run.tests[0].attachments as any[]).map((a) => [a.name, a.artifact]));
    expect(kept).toEqual({ video: 'test-0-video.webm', trace: 'test-0-trace.zip' });
    const video = await stack.request(`/api/runs/${id}/artifacts/test-0-video.webm`);
    expect([video.status, video.headers.get('content-type')]).toEqual([200, 'video/webm']);
    // WebM starts with the EBML magic number.
    expect(
      Buffer.from(await video.arrayBuffer())
        .subarray(0, 4)
        .toString('hex'),
    ).toBe('1a45dfa3');
  });

  it('a step run exported as a spec, posted as a script, passes the same way; so does a codegen recording', async () => {
    const stepRun = await stack.request('/api/runs', {
      body: { name: 'five steps', baseUrl: site.base, steps: FIVE_STEPS, options: { trace: 'off' } },
    });
    const stepId = ((await stepRun.json()) as { id: string }).id;
    expect((await waitRunEnd(stack, stepId)).status).toBe('passed');
    const spec = await (await stack.request(`/api/runs/${stepId}/spec`)).text();

    // What `npx playwright codegen --target=playwright-test` writes for the same clicks.
    const codegen = `import { test, expect } from '@playwright/test';

test('test', async ({ page }) => {
  await page.goto('${site.base}/login');
  await page.getByRole('textbox', { name: 'Email' }).click();
  await page.getByRole('textbox', { name: 'Email' }).fill('a@example.com');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading')).toContainText('Welcome');
});
`;
    const ids = await Promise.all([
      queueScriptRun(stack, scriptRun({ 'five-steps.spec.ts': spec }, { baseUrl: site.base })),
      queueScriptRun(stack, scriptRun({ 'recorded.spec.ts': codegen })),
    ]);
    for (const id of ids) {
      const run = await waitRunEnd(stack, id);
      expect([run.status, (run.tests as Test[]).map((t) => t.status)]).toEqual(['passed', ['passed']]);
    }
    const exported = await read(ids[0]);
    // The export's steps, one test.step each, as the step run had them.
    expect(exported.tests[0].steps.filter((s: any) => s.category === 'test.step').map((s: any) => s.title)).toEqual(
      FIVE_STEPS.map((step, i) => expect.stringMatching(new RegExp(`^${i} ${step.action}`))),
    );
  });

  it('a suite holds script runs beside step runs and passes when all of them pass', async () => {
    const res = await stack.request('/api/suites', {
      body: {
        name: 'mixed',
        tests: [
          { name: 'steps', baseUrl: site.base, steps: FIVE_STEPS, options: { trace: 'off' } },
          scriptRun(THREE_TESTS.replace("'Welcome back, Ada'", "'Welcome'"), { baseUrl: site.base, retries: 1 }),
        ],
      },
    });
    expect(res.status).toBe(201);
    const suite = (await res.json()) as { id: string };
    const ended = await pollUntil(
      async () => (await stack.request(`/api/suites/${suite.id}`)).json() as Promise<Record<string, any>>,
      (s) => !['queued', 'running'].includes(s.status),
      90000,
      'suite ended',
    );
    expect(ended.status).toBe('passed');
    expect((ended.runs as Array<{ status: string }>).map((r) => r.status)).toEqual(['passed', 'passed']);
  });

  it('a cancel stops the test mid-way within 2 s, whole process tree', async () => {
    const id = await queueScriptRun(stack, scriptRun(WAITS, { baseUrl: site.base }));
    await running(id);
    const asked = Date.now();
    expect((await stack.request(`/api/runs/${id}/cancel`, { method: 'POST' })).status).toBe(200);
    const run = await waitRunEnd(stack, id, 20000);
    expect(run.status).toBe('cancelled');
    expect(Date.now() - asked).toBeLessThan(4000);
    await expectNoSandboxLeft(stack, id);
  });

  it('a timeout stops the test mid-way and ends the run timed_out', async () => {
    const id = await queueScriptRun(stack, scriptRun(WAITS, { baseUrl: site.base, options: { timeoutMs: 8000 } }));
    const run = await waitRunEnd(stack, id, 40000);
    expect(run.status).toBe('timed_out');
    const wall = new Date(run.finishedAt).getTime() - new Date(run.startedAt).getTime();
    expect(wall).toBeGreaterThanOrEqual(5000);
    expect(wall).toBeLessThan(8000 + 2000 + 3000);
    await expectNoSandboxLeft(stack, id);
  });

  it('a run whose worker is SIGKILLed mid-test is taken over by another worker and ends once', async () => {
    const slow = WAITS.replace('120000', '4000');
    const id = await queueScriptRun(stack, scriptRun(slow, { baseUrl: site.base }));
    const half = await running(id);
    const killed = half.worker as string;
    stack.worker.child.kill('SIGKILL');
    await stack.worker.waitExit(5000);
    await expectNoSandboxLeft(stack, id);

    const port = await freePort();
    stack.worker = new AppProcess({ env: { ...stack.env, IS_WORKER: 'true', APP_WORKER_PORT: String(port) } });
    stack.workerBase = `http://127.0.0.1:${port}`;
    await stack.worker.waitHealthy(`${stack.workerBase}/api/health`);
    const run = await waitRunEnd(stack, id, 60000);
    expect(run).toMatchObject({ status: 'passed', attempt: 2 });
    expect(run.worker).not.toBe(killed);
    expect((run.tests as Test[]).map((t) => [t.title, t.status])).toEqual([['waits', 'passed']]);
  });
});

/**
 * No process of the run's sandbox is left: its cgroup (made under the worker's, which is
 * this test's too, and named in the worker's "Script run starting" line) is gone or empty.
 */
async function expectNoSandboxLeft(stack: Stack, runId: string, output = stack.worker.output): Promise<void> {
  const layout = cgroupLayout();
  if (!layout) throw new Error('no cgroups here');
  const line = output.split('\n').find((l) => l.includes('Script run starting') && l.includes(runId));
  const sandbox = (JSON.parse(line ?? '{}') as { sandbox?: string }).sandbox;
  expect(sandbox).toMatch(/^[0-9a-f-]{36}$/);
  const members = () => {
    try {
      return readFileSync(join(layout.pids, sandbox!, 'cgroup.procs'), 'utf8')
        .split('\n')
        .filter(Boolean);
    } catch {
      return []; // the group is gone
    }
  };
  await pollUntil(
    async () => members(),
    (pids) => pids.length === 0,
    3000,
    `no process of run ${runId} left`,
  );
}

/** Where the worker cannot make a sandbox, script runs are refused with the reason; SCRIPT_SANDBOX=off is said at start. */
describe('script runs without a sandbox', () => {
  const PASSES = `import { test, expect } from '@playwright/test';
test('adds', () => { expect(1 + 1).toBe(2); });
`;
  let dir: string;
  beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'stevedore-no-sandbox-'))));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('are refused, ending error with why and what to grant, when bubblewrap is missing', async () => {
    // No bwrap on the worker's PATH: the same as a machine without it.
    const stack = await new Stack(baseEnv({ ARTIFACTS_DIR: dir, PATH: '/nonexistent' })).start();
    try {
      const id = await queueScriptRun(stack, scriptRun(PASSES));
      const run = await waitRunEnd(stack, id);
      expect(run.status).toBe('error');
      expect(run.error).toMatch(
        /^script runs need a sandbox, and this worker has none: bubblewrap \(bwrap\) is not installed/,
      );
      // What to grant: on a machine, or (as here) in a container.
      expect(run.error).toMatch(
        /(Install bubblewrap|In a container, bubblewrap needs).*SCRIPT_SANDBOX=off runs them unsandboxed/,
      );
      expect(run.attempt).toBe(1);
      expect(stack.worker.output).toContain('Script runs are refused on this worker: no sandbox');
    } finally {
      await stack.stop();
    }
  });

  it('run unsandboxed with SCRIPT_SANDBOX=off, which the worker logs at start', async () => {
    const stack = await new Stack(baseEnv({ ARTIFACTS_DIR: dir, SCRIPT_SANDBOX: 'off' })).start();
    try {
      expect(stack.worker.output).toMatch(/"level":40.*SCRIPT_SANDBOX=off: script runs run WITHOUT a sandbox/);
      const run = await waitRunEnd(stack, await queueScriptRun(stack, scriptRun(PASSES)));
      expect([run.status, (run.tests as Test[]).map((t) => t.status)]).toEqual(['passed', ['passed']]);
    } finally {
      await stack.stop();
    }
  });
});
