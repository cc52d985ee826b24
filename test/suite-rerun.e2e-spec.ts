import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { json } from './helpers/json';
import { pollUntil } from './helpers/poll';
import { Stack } from './helpers/stack';
import { baseEnv, TEST_API_KEY } from './helpers/test-env';
import { TestSite } from './helpers/test-site';

const FINAL = ['passed', 'failed', 'error', 'cancelled'];
const DEFAULT_PROJECT_ID = '00000000-0000-4000-8000-000000000001';

interface RunRow {
  id: string;
  name: string;
  status: string;
  worker: string | null;
  startedAt: string | null;
  definition: Record<string, unknown>;
}

/** POST /api/suites/:id/rerun end to end: a real API and worker, Chromium, a site of the test's own. */
describe('suite rerun', () => {
  const site = new TestSite({
    '/': '<!doctype html><title>Shop</title><h1>Welcome</h1>',
    '/hook': (req, res) => req.resume().on('end', () => res.writeHead(204).end()),
  });
  let stack: Stack;
  let dir: string;

  const passing = (name: string) => ({
    name,
    baseUrl: site.base,
    steps: [
      { action: 'goto', url: '/' },
      { action: 'expectText', selector: 'h1', text: 'Welcome' },
    ],
  });
  /** Its assertion fails after 1 s: the run ends failed. */
  const failing = (name: string) => ({
    name,
    baseUrl: site.base,
    steps: [
      { action: 'goto', url: '/' },
      { action: 'expectText', selector: 'h1', text: 'Goodbye', timeoutMs: 1000 },
    ],
  });
  /** Waits for what never appears, past the run's own 3 s: the run ends timed_out. */
  const timingOut = (name: string) => ({
    name,
    baseUrl: site.base,
    steps: [
      { action: 'goto', url: '/' },
      { action: 'waitFor', selector: '#never', timeoutMs: 60000 },
    ],
    options: { stepTimeoutMs: 60000, timeoutMs: 3000 },
  });

  const suite = async (id: string, key = TEST_API_KEY) =>
    json(await stack.request(`/api/suites/${id}`, { headers: { 'x-api-key': key } }));
  const waitEnd = (id: string) =>
    pollUntil(
      () => suite(id),
      (s) => FINAL.includes(s.status),
      60000,
      `suite ${id}`,
    );
  const trigger = async (body: Record<string, unknown>) => {
    const res = await stack.request('/api/suites', { body });
    expect(res.status).toBe(201);
    return json(res);
  };
  const rerun = (id: string, body?: unknown, key = TEST_API_KEY) =>
    stack.request(`/api/suites/${id}/rerun`, { method: 'POST', body, headers: { 'x-api-key': key } });
  /** A key of a new project (admin), or of the default project with `scopes`. */
  const keyOf = async (projectId: string | null, scopes: string[]) => {
    let id = projectId;
    if (!id) id = (await json(await stack.request('/api/projects', { body: { name: `other-${randomUUID()}` } }))).id;
    const res = await stack.request(`/api/projects/${id}/keys`, { body: { name: `k-${randomUUID()}`, scopes } });
    expect(res.status).toBe(201);
    return (await json(res)).key as string;
  };

  beforeAll(async () => {
    await site.start();
    dir = await mkdtemp(join(tmpdir(), 'stevedore-rerun-'));
    stack = await new Stack(
      baseEnv({ ARTIFACTS_DIR: dir, ALLOWED_PRIVATE_HOSTS: '127.0.0.1', WORKER_CONCURRENCY: '2' }),
    ).start();
  });

  afterAll(async () => {
    await stack?.stop();
    await site.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('reruns exactly the tests that failed or timed out, with the same settings and definitions, and runs them', async () => {
    const tests = [passing('home'), failing('heading'), passing('home again'), timingOut('slow'), failing('footer')];
    const original = await trigger({
      name: 'checkout',
      tests,
      notify: ['qa@example.com'],
      webhookUrl: `${site.base}/hook`,
      priority: 3,
      concurrency: 2,
    });
    // Not ended yet: nothing to rerun.
    const early = await rerun(original.id);
    expect([early.status, (await json(early)).message]).toEqual([409, expect.stringContaining('has not ended yet')]);

    const ended = await waitEnd(original.id);
    expect(ended).toMatchObject({ status: 'failed', total: 5, passed: 2, failed: 3 });
    const before = ended.runs as RunRow[];
    expect(before.map((r) => r.status)).toEqual(['passed', 'failed', 'passed', 'timed_out', 'failed']);

    const res = await rerun(original.id);
    expect(res.status).toBe(201);
    const created = await json(res);
    expect(created).toEqual({
      id: expect.any(String),
      status: 'queued',
      total: 3,
      runs: ['heading', 'slow', 'footer'].map((name) => ({ id: expect.any(String), name })),
    });
    expect(created.id).not.toBe(original.id);

    const again = await waitEnd(created.id);
    expect(again).toMatchObject({
      name: 'checkout (rerun)',
      notify: ['qa@example.com'],
      webhookUrl: `${site.base}/hook`,
      priority: 3,
      concurrency: 2,
      scheduleId: null,
      status: 'failed',
      total: 3,
      passed: 0,
      failed: 3,
    });
    const runs = again.runs as RunRow[];
    // New runs of each failed test's definition as it was accepted, and they really ran.
    expect(runs.map((r) => r.id)).toEqual(created.runs.map((r: { id: string }) => r.id));
    expect(runs.map((r) => r.definition)).toEqual([before[1], before[3], before[4]].map((r) => r.definition));
    expect(runs.map((r) => r.status)).toEqual(['failed', 'timed_out', 'failed']);
    expect(runs.every((r) => r.startedAt !== null && r.worker !== null)).toBe(true);
    expect(runs.some((r) => before.some((b) => b.id === r.id))).toBe(false);
    // The original suite is as it was.
    expect(await suite(original.id)).toMatchObject({ status: 'failed', total: 5, passed: 2, failed: 3 });
  });

  it('reruns every test with only "all"; a suite that passed has nothing failed to rerun (409); GraphQL too', async () => {
    const green = await trigger({ name: 'green', tests: [passing('one'), passing('two')] });
    await waitEnd(green.id);
    for (const body of [undefined, {}, { only: 'failed' }]) {
      const res = await rerun(green.id, body);
      expect([res.status, (await json(res)).message]).toEqual([409, expect.stringContaining('has no failed tests')]);
    }
    const all = await rerun(green.id, { only: 'all' });
    expect(all.status).toBe(201);
    const created = await json(all);
    expect([created.total, created.runs.map((r: { name: string }) => r.name)]).toEqual([2, ['one', 'two']]);
    expect(await waitEnd(created.id)).toMatchObject({ name: 'green (rerun)', status: 'passed', passed: 2 });

    const viaGraphql = await stack.graphql(
      `mutation($id: ID!) { rerunSuite(id: $id, only: all) { id name status total runs { name } } }`,
      { id: green.id },
    );
    expect(viaGraphql.errors).toBeUndefined();
    expect(viaGraphql.data.rerunSuite).toMatchObject({
      name: 'green (rerun)',
      status: 'queued',
      total: 2,
      runs: [{ name: 'one' }, { name: 'two' }],
    });
    await waitEnd(viaGraphql.data.rerunSuite.id as string);
    const nothingFailed = await stack.graphql(`mutation($id: ID!) { rerunSuite(id: $id) { id } }`, { id: green.id });
    expect(nothingFailed.errors?.[0]).toMatchObject({
      message: expect.stringContaining('has no failed tests'),
      extensions: { code: 'CONFLICT' },
    });
  });

  it('answers 400 naming the field, 404 for an unknown suite or another project’s, 403 for a read key', async () => {
    const mine = await trigger({ name: 'mine', tests: [failing('broken')] });
    await waitEnd(mine.id);
    const cases: Array<[unknown, string]> = [
      [{ only: 'some' }, 'only must be "failed" or "all" (got "some")'],
      [{ only: 'all', name: 'renamed' }, 'name is not a field of a rerun (only)'],
      [['failed'], 'the body must be a JSON object'],
    ];
    for (const [body, message] of cases) {
      const res = await rerun(mine.id, body);
      expect([res.status, (await json(res)).message]).toEqual([400, [expect.stringContaining(message)]]);
    }
    const malformed = await fetch(`${stack.base}/api/suites/${mine.id}/rerun`, {
      method: 'POST',
      headers: { 'x-api-key': TEST_API_KEY, 'content-type': 'application/json' },
      body: '{"only":',
    });
    expect(malformed.status).toBe(400);
    expect((await rerun('nope')).status).toBe(400);

    const unknownId = randomUUID();
    const unknown = await rerun(unknownId);
    expect([unknown.status, (await json(unknown)).message]).toEqual([404, `Suite ${unknownId} not found`]);
    // Another project's admin key: the same answer as for an unknown id, and nothing made in either project.
    const other = await keyOf(null, ['admin']);
    const theirs = await rerun(mine.id, { only: 'all' }, other);
    expect([theirs.status, (await json(theirs)).message]).toEqual([404, `Suite ${mine.id} not found`]);
    const gql = await fetch(`${stack.base}/graphql`, {
      method: 'POST',
      headers: { 'x-api-key': other, 'content-type': 'application/json' },
      body: JSON.stringify({ query: `mutation($id: ID!) { rerunSuite(id: $id) { id } }`, variables: { id: mine.id } }),
    });
    expect((await json(gql)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const theirList = await json(await stack.request('/api/suites', { headers: { 'x-api-key': other } }));
    expect(theirList.items).toEqual([]);
    // Rerunning queues work: a read key may not.
    const reader = await keyOf(DEFAULT_PROJECT_ID, ['read']);
    expect((await rerun(mine.id, undefined, reader)).status).toBe(403);
    const mineAgain = await json(await stack.request('/api/suites?limit=100'));
    expect((mineAgain.items as Array<{ name: string }>).filter((s) => s.name === 'mine (rerun)')).toEqual([]);
  });
});
