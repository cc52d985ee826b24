import { AppProcess } from './helpers/app-process';
import { freePort } from './helpers/free-port';
import { json } from './helpers/json';
import { baseEnv, TEST_API_KEY } from './helpers/test-env';

const BASE_URL = 'http://127.0.0.1:4000';

const SPEC = `import { test, expect } from '@playwright/test';
import { LoginPage } from './pages/login';
import users from './data/users.json';

test.describe('checkout', () => {
  test('signs in', async ({ page }) => {
    await new LoginPage(page).open(users[0].email);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Welcome');
  });
});
`;
const PAGE = `import type { Page } from '@playwright/test';

export class LoginPage {
  constructor(private readonly page: Page) {}
  async open(email: string): Promise<void> {
    await this.page.goto('/login');
    await this.page.getByLabel('Email').fill(email);
  }
}
`;
const FILES = {
  'checkout.spec.ts': SPEC,
  'pages/login.ts': PAGE,
  'data/users.json': '[{ "email": "ada@example.com" }]',
};

/** What `npx playwright codegen --target=playwright-test` writes. */
const CODEGEN = `import { test, expect } from '@playwright/test';

test('test', async ({ page }) => {
  await page.goto('http://127.0.0.1:4000/');
  await page.getByRole('link', { name: 'Sign in' }).click();
  await page.getByLabel('Email').click();
  await page.getByLabel('Email').fill('ada@example.com');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Welcome' })).toBeVisible();
});
`;

const scriptRun = (files: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  name: 'checkout',
  baseUrl: BASE_URL,
  script: { files },
  ...extra,
});
const oneSpec = (code: string) => scriptRun({ 'a.spec.ts': code });

/**
 * What a script run's body may say, against a real API (no worker: nothing here runs).
 * Every check happens before the run is stored and queued: a script that cannot load is
 * a 400 naming its file, line and column or module, wherever a run is accepted.
 */
describe('script run requests', () => {
  let api: AppProcess;
  let base = '';
  const request = async (path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST') => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'x-api-key': TEST_API_KEY, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return res;
  };
  const post = async (path: string, body: unknown) => {
    const res = await request(path, body);
    return { status: res.status, body: await json(res) };
  };
  const graphql = (query: string, variables: Record<string, unknown>) => post('/graphql', { query, variables });
  /** Queued rows this file made, cancelled (or deleted) at the end so no other file meets them. */
  const made: string[] = [];

  beforeAll(async () => {
    const port = await freePort();
    // The runs' baseUrl is on loopback: allowed here as in the other e2e files.
    api = new AppProcess({ env: { ...baseEnv({ ALLOWED_PRIVATE_HOSTS: '127.0.0.1' }), APP_PORT: String(port) } });
    base = `http://127.0.0.1:${port}`;
    await api.waitHealthy(`${base}/api/health`);
  });

  afterAll(async () => {
    for (const path of made)
      if (path.startsWith('/api/schedules/')) await request(path, undefined, 'DELETE');
      else await request(path, {});
    await api?.stop();
  });

  it('accepts a script run of three files and stores it with its defaults', async () => {
    const { status, body } = await post('/api/runs', scriptRun(FILES, { env: { SHOP_USER: 'ada' } }));
    expect([status, body.status]).toEqual([201, 'queued']);
    made.push(`/api/runs/${body.id as string}/cancel`);
    const stored = await json(await request(`/api/runs/${body.id as string}`));
    expect(stored.definition).toEqual({
      name: 'checkout',
      baseUrl: BASE_URL,
      script: { files: FILES, retries: 0, timeout: 30000, use: {} },
      env: { SHOP_USER: 'ada' },
      secrets: [],
      options: expect.objectContaining({ timeoutMs: 60000 }),
      priority: 5,
    });
  });

  it('accepts what Playwright codegen writes', async () => {
    const { status, body } = await post('/api/runs', {
      name: 'recorded',
      script: { files: { 'test-1.spec.ts': CODEGEN } },
    });
    expect([status, body.message]).toEqual([201, undefined]);
    made.push(`/api/runs/${body.id as string}/cancel`);
  });

  it('accepts a script run as a test of a suite, beside a step run, and as the run of a schedule', async () => {
    const suite = await post('/api/suites', {
      name: 'mixed',
      tests: [scriptRun(FILES), { name: 'steps', baseUrl: BASE_URL, steps: [{ action: 'goto', url: '/' }] }],
    });
    expect(suite.status).toBe(201);
    made.push(`/api/suites/${suite.body.id as string}/cancel`);
    const schedule = await post('/api/schedules', { name: 'nightly', cron: '0 3 * * *', run: scriptRun(FILES) });
    expect(schedule.status).toBe(201);
    made.push(`/api/schedules/${schedule.body.id as string}`);
    // Each says what is wrong where it is: the suite's test, the schedule's run.
    const bad = { name: 'bad', script: { files: { 'a.spec.ts': "import _ from 'lodash';" } } };
    expect((await post('/api/suites', { name: 's', tests: [bad] })).body.message).toEqual([
      expect.stringMatching(/^tests\[0\]\.script\.files\["a\.spec\.ts"\] line 1: cannot import "lodash"/),
    ]);
    expect((await post('/api/schedules', { name: 's', cron: '0 3 * * *', run: bad })).body.message).toEqual([
      expect.stringMatching(/^run\.script\.files\["a\.spec\.ts"\] line 1: cannot import "lodash"/),
    ]);
  });

  it.each([
    [
      'a syntax error',
      oneSpec("import { test } from '@playwright/test';\ntest('x', async ({ page }) => {\n  await page.goto(;\n});\n"),
      ['script.files["a.spec.ts"] line 3, column 19: Unexpected token'],
    ],
    [
      'a TypeScript error',
      oneSpec('class A {\n  declare x: number = 3;\n}\n'),
      ['script.files["a.spec.ts"] line 2, column 21: Initializers are not allowed in ambient contexts.'],
    ],
    [
      'a bare import',
      oneSpec("import { test } from '@playwright/test';\nimport _ from 'lodash';\n"),
      [
        'script.files["a.spec.ts"] line 2: cannot import "lodash": only @playwright/test, Node\'s built-in modules and the script\'s own files can be imported',
      ],
    ],
    [
      'too many files',
      scriptRun(Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`t${i}.spec.ts`, '']))),
      ['script.files may have at most 50 files (got 51)'],
    ],
    [
      'too large a script',
      scriptRun({ 'a.spec.ts': '', 'big.ts': `// ${'x'.repeat(520 * 1024)}` }),
      ['script.files may hold at most 512 KiB in all (got 521 KiB)'],
    ],
    [
      'an absolute path',
      scriptRun({ 'a.spec.ts': '', '/etc/b.ts': '' }),
      ['script.files["/etc/b.ts"] must be a relative path, not an absolute one'],
    ],
    [
      'a path with ..',
      scriptRun({ 'a.spec.ts': '', '../b.ts': '' }),
      ['script.files["../b.ts"] must not contain .. (every file stays inside the script)'],
    ],
    [
      'both steps and script',
      { ...scriptRun(FILES), steps: [{ action: 'goto', url: '/' }] },
      ['steps and script cannot both be given: a run is either steps or a script'],
    ],
    [
      'env on a step run',
      { name: 'x', baseUrl: BASE_URL, steps: [{ action: 'goto', url: '/' }], env: { A: '1' } },
      ['env is for script runs only (a step run has no process environment)'],
    ],
    [
      'a grep that is not a RegExp',
      { ...scriptRun(FILES), script: { files: FILES, grep: '[' } },
      ['script.grep is not a JavaScript RegExp: Invalid regular expression: /[/: Unterminated character class'],
    ],
  ])('refuses %s with a 400 saying where', async (_what, body, message) => {
    const answer = await post('/api/runs', body);
    expect([answer.status, answer.body.message]).toEqual([400, message]);
  });

  it('takes a script through GraphQL, and refuses a bad one there in the same words', async () => {
    const mutation = 'mutation ($input: TriggerRunInput!) { triggerRun(input: $input) { id status definition } }';
    const { body } = await graphql(mutation, {
      input: { ...scriptRun(FILES), script: { files: FILES, retries: 1, use: { locale: 'en-GB' } }, env: { A: '1' } },
    });
    expect(body.errors).toBeUndefined();
    expect(body.data.triggerRun).toMatchObject({
      status: 'queued',
      definition: { script: { files: FILES, retries: 1, use: { locale: 'en-GB' } }, env: { A: '1' } },
    });
    made.push(`/api/runs/${body.data.triggerRun.id as string}/cancel`);
    const refused = await graphql(mutation, { input: oneSpec('const x = ;') });
    expect(refused.body.errors[0]).toMatchObject({
      message: 'script.files["a.spec.ts"] line 1, column 11: Unexpected token',
      extensions: { status: 400 },
    });
  });

  it('exports a step run as a spec that the API accepts back as a script run', async () => {
    const steps = {
      name: 'Sign-in works',
      baseUrl: BASE_URL,
      steps: [
        { action: 'goto', url: '/login' },
        { action: 'fill', selector: '#email', value: 'a@example.com' },
        { action: 'click', selector: "role=button[name='Sign in']" },
        { action: 'expectText', selector: 'h1', text: 'Welcome "back"' },
        { action: 'screenshot', name: 'signed-in' },
      ],
    };
    const created = await post('/api/runs', steps);
    made.push(`/api/runs/${created.body.id as string}/cancel`);
    const res = await request(`/api/runs/${created.body.id as string}/spec`);
    expect([res.status, res.headers.get('content-type'), res.headers.get('content-disposition')]).toEqual([
      200,
      'text/plain; charset=utf-8',
      'inline; filename="sign-in-works.spec.ts"',
    ]);
    const spec = await res.text();
    expect(spec).toContain('.toContain("Welcome \\"back\\"");');
    const back = await post('/api/runs', {
      name: 'exported',
      baseUrl: BASE_URL,
      script: { files: { 'sign-in-works.spec.ts': spec } },
    });
    expect([back.status, back.body.message]).toEqual([201, undefined]);
    made.push(`/api/runs/${back.body.id as string}/cancel`);

    // A script run's code is its definition; an unknown run is a 404.
    const script = await request(`/api/runs/${back.body.id as string}/spec`);
    expect([script.status, (await json(script)).message]).toEqual([
      409,
      expect.stringContaining('is a script run: its code is its definition'),
    ]);
    expect((await request('/api/runs/00000000-0000-4000-8000-000000000000/spec')).status).toBe(404);
  });
});
