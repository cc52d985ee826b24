import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { json } from './helpers/json';
import { pollUntil } from './helpers/poll';
import { FINAL_RUN_STATES, scriptRun } from './helpers/script-runs';
import { Stack } from './helpers/stack';
import { baseEnv, TEST_API_KEY, TEST_DATABASE_URL } from './helpers/test-env';
import { TestSite } from './helpers/test-site';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Project {
  id: string;
  admin: string;
  adminKeyId: string;
}

/**
 * Every route and GraphQL operation that names a resource, tried with project B's admin key
 * on project A's ids: each answers 404 (GraphQL: NOT_FOUND), exactly as for an id that does
 * not exist, and A's key is answered on the same ids. The routes come from the OpenAPI
 * document and the operations from introspection, so a route added later without a place
 * here fails this test instead of going unchecked.
 */
describe('isolation between projects, every route and operation', () => {
  let stack: Stack;
  let site: TestSite;
  let db: Client;
  let a: Project;
  let b: Project;
  /** A's resources, by the name the routes give their ids. */
  const own: Record<string, string> = {};

  const call = (key: string, path: string, method = 'GET', body?: unknown) =>
    fetch(`${stack.base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const created = async (key: string, path: string, body: unknown): Promise<Json> => {
    const res = await call(key, path, 'POST', body);
    const answer = await json(res);
    expect([path, res.status]).toEqual([path, expect.any(Number)]);
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(answer)}`);
    return answer;
  };
  const makeProject = async (name: string): Promise<Project> => {
    const project = await created(TEST_API_KEY, '/api/projects', { name: `${name}-${randomUUID().slice(0, 8)}` });
    const key = await created(TEST_API_KEY, `/api/projects/${project.id}/keys`, { name: 'admin', scopes: ['admin'] });
    return { id: project.id, admin: key.key, adminKeyId: key.id };
  };
  const ended = (key: string, path: string, done: (body: Json) => boolean) =>
    pollUntil(async () => json(await call(key, path)), done, 90_000, path);

  beforeAll(async () => {
    site = await new TestSite({ '/': '<!doctype html><title>Shop</title><h1>Shop</h1><a href="/a">a</a>' }).start();
    stack = await new Stack(
      baseEnv({
        ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
        SECRETS_KEY: randomBytes(32).toString('base64'),
        SCHEDULE_MIN_INTERVAL_MS: '1000',
      }),
    ).start();
    db = new Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
    [a, b] = [await makeProject('a'), await makeProject('b')];

    const steps = [
      { action: 'goto', url: `${site.base}/` },
      { action: 'screenshot', name: 'home' },
    ];
    own.run = (await created(a.admin, '/api/runs', { name: 'a run', steps })).id;
    own.scriptRun = (
      await created(a.admin, '/api/runs', scriptRun(`import { test } from '@playwright/test';\ntest('t', () => {});`))
    ).id;
    own.suite = (await created(a.admin, '/api/suites', { name: 'a suite', tests: [{ name: 't', steps }] })).id;
    own.scrape = (await created(a.admin, '/api/scrapes', { url: `${site.base}/`, mode: 'page' })).id;
    own.email = (await created(a.admin, '/api/emails', { to: 'qa@example.com', subject: 'Hi', text: 'hello' })).id;
    own.user = (await created(a.admin, '/api/users', { email: 'ada@example.com', name: 'Ada' })).id;
    own.schedule = (
      await created(a.admin, '/api/schedules', { name: 'nightly', cron: '0 3 * * *', run: { name: 'n', steps } })
    ).id;
    own.secret = (await created(a.admin, '/api/secrets', { name: 'SHOP_PASSWORD', value: 'hunter2-hunter2' })).name;
    own.key = (await created(a.admin, `/api/projects/${a.id}/keys`, { name: 'reader', scopes: ['read'] })).id;
    own.alertChannel = (
      await created(a.admin, '/api/alert-channels', { name: 'on-call', type: 'email', to: ['oncall@example.com'] })
    ).id;
    // A dead letter of A's: one of its emails' jobs, failed for good (as a worker records it).
    own.deadLetter = randomUUID();
    await db.query(
      `INSERT INTO dead_letters (id, queue, job_id, job_name, data, error, attempts, project_id)
       VALUES ($1, 'emails', $2, 'send', $3, 'boom', 3, $4)`,
      [own.deadLetter, own.email, { emailId: own.email }, a.id],
    );
    await ended(a.admin, `/api/runs/${own.run}`, (r) => FINAL_RUN_STATES.includes(r.status));
    await ended(a.admin, `/api/runs/${own.scriptRun}`, (r) => FINAL_RUN_STATES.includes(r.status));
    await ended(a.admin, `/api/suites/${own.suite}`, (s) => !['queued', 'running'].includes(s.status));
    await ended(a.admin, `/api/scrapes/${own.scrape}`, (s) => !['queued', 'running'].includes(s.status));
  }, 240_000);

  afterAll(async () => {
    await db?.end();
    await stack?.stop();
    await site?.stop();
  });

  /** A's id for each path parameter of a route, by the route. */
  const paramsFor = (path: string): Record<string, string> | undefined => {
    const resource = /^\/api\/([a-z-]+)\//.exec(path)?.[1];
    const byResource: Record<string, Record<string, string>> = {
      runs: { id: own.run, name: 'home.png' },
      suites: { id: own.suite },
      scrapes: { id: own.scrape },
      emails: { id: own.email },
      users: { id: own.user },
      schedules: { id: own.schedule },
      secrets: { name: own.secret },
      'dead-letters': { id: own.deadLetter },
      'alert-channels': { id: own.alertChannel },
      projects: { id: a.id, keyId: own.key },
    };
    if (path.includes('/report')) return { id: own.scriptRun, path: 'index.html' };
    if (path.includes('/trace/')) return { id: own.run, path: 'index.html' };
    return resource ? byResource[resource] : undefined;
  };
  const fill = (path: string, params: Record<string, string>) =>
    path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? `<no ${name}>`));

  it('answers B 404 on every REST route with A’s ids, and A on the same ids', async () => {
    const doc = await json(await fetch(`${stack.base}/api/docs/json`, { headers: { 'x-api-key': TEST_API_KEY } }));
    const routes = Object.entries(doc.paths as Json).flatMap(([path, ops]) =>
      Object.keys(ops as Json)
        .filter((method) => ['get', 'post', 'patch', 'put', 'delete'].includes(method))
        .map((method) => ({ path, method: method.toUpperCase() })),
    );
    const withIds = routes.filter(({ path }) => path.includes('{'));
    expect(withIds.length).toBeGreaterThanOrEqual(20);
    const unmapped = withIds.filter(({ path }) => !paramsFor(path)).map(({ method, path }) => `${method} ${path}`);
    expect(unmapped).toEqual([]);

    const outcomes: string[] = [];
    const bodies: Record<string, unknown> = {
      'PATCH /api/projects/{id}': { queuedLimit: 1 },
      'POST /api/projects/{id}/keys': { name: 'sneaky', scopes: ['admin'] },
      // Bodies that would be accepted on B's own suite: the 404 is about the project.
      'POST /api/suites/{id}/rerun': { only: 'all' },
      'POST /api/schedules/{id}/mute': { minutes: 5 },
    };
    for (const { path, method } of withIds) {
      const params = paramsFor(path)!;
      const body = bodies[`${method} ${path}`];
      const theirs = await call(b.admin, fill(path, params), method, body);
      const unknown = await call(
        b.admin,
        fill(
          path,
          Object.fromEntries(
            Object.entries(params).map(([k, v]) => [k, k === 'id' || k === 'keyId' ? randomUUID() : v]),
          ),
        ),
        method,
        body,
      );
      await theirs.text();
      await unknown.text();
      outcomes.push(`${method} ${path} -> ${theirs.status} (unknown id: ${unknown.status})`);
    }
    expect(outcomes).toEqual(withIds.map(({ method, path }) => `${method} ${path} -> 404 (unknown id: 404)`));

    // A's own key reads the same ids: the 404s above are about the project, not the ids.
    const reads = withIds.filter(({ method, path }) => method === 'GET' && !path.endsWith('/events'));
    const answers: string[] = [];
    for (const { path } of reads) {
      const res = await call(a.admin, fill(path, paramsFor(path)!));
      await res.arrayBuffer();
      answers.push(`${path} -> ${res.status === 200 ? 'ok' : res.status}`);
    }
    expect(answers).toEqual(reads.map(({ path }) => `${path} -> ok`));
  });

  it('keeps A’s rows out of every list B reads', async () => {
    const everything = Object.values(own);
    for (const path of [
      '/api/runs',
      '/api/suites',
      '/api/scrapes',
      '/api/emails',
      '/api/users',
      '/api/schedules',
      '/api/secrets',
      '/api/dead-letters',
      '/api/projects',
      '/api/audit',
      '/api/alert-channels',
    ]) {
      const res = await call(
        b.admin,
        `${path}${path === '/api/secrets' || path === '/api/projects' ? '' : '?limit=100'}`,
      );
      const text = await res.text();
      expect([path, res.status]).toEqual([path, 200]);
      for (const id of everything) expect([path, text.includes(id)]).toEqual([path, false]);
      expect(text.includes(a.id)).toBe(false);
    }
  });

  it('answers B NOT_FOUND on every GraphQL operation with A’s ids', async () => {
    const gql = async (key: string, query: string, variables: Json) => {
      const res = await call(key, '/graphql', 'POST', { query, variables });
      return json(res);
    };
    const schema = await gql(
      a.admin,
      `{ __schema { queryType { fields { name args { name type { kind ofType { name } } } type { kind ofType { kind } } } }
                    mutationType { fields { name args { name type { kind ofType { name } } } type { kind ofType { kind } } } } } }`,
      {},
    );
    const idFields = (type: 'query' | 'mutation') =>
      (schema.data.__schema[`${type}Type`].fields as Json[])
        .filter((field) => (field.args as Json[]).some((arg) => arg.name === 'id'))
        .map((field) => ({ type, name: field.name as string }));
    const operations = [...idFields('query'), ...idFields('mutation')];
    const ids: Record<string, string> = {
      run: own.run,
      cancelRun: own.run,
      suite: own.suite,
      cancelSuite: own.suite,
      rerunSuite: own.suite,
      scrape: own.scrape,
      cancelScrape: own.scrape,
      email: own.email,
      user: own.user,
      replayDeadLetter: own.deadLetter,
      schedule: own.schedule,
      scheduleIncidents: own.schedule,
      scheduleStats: own.schedule,
      muteSchedule: own.schedule,
      unmuteSchedule: own.schedule,
      deleteAlertChannel: own.alertChannel,
      testAlertChannel: own.alertChannel,
    };
    /** Arguments an operation needs besides its id (valid ones: the NOT_FOUND is about the project). */
    const extraArgs: Record<string, string> = { muteSchedule: ', minutes: 5' };
    expect(operations.filter(({ name }) => !ids[name]).map(({ name }) => name)).toEqual([]);
    const outcomes: string[] = [];
    for (const { type, name } of operations) {
      const document = `${type} ($id: ID!) { ${name}(id: $id${extraArgs[name] ?? ''}) { __typename } }`;
      const theirs = await gql(b.admin, document, { id: ids[name] });
      const unknown = await gql(b.admin, document, { id: randomUUID() });
      const code = (answer: Json) => answer.errors?.[0]?.extensions?.code ?? 'ok';
      outcomes.push(`${name}: ${code(theirs)} (unknown id: ${code(unknown)})`);
      if (type === 'query') expect([name, code(await gql(a.admin, document, { id: ids[name] }))]).toEqual([name, 'ok']);
    }
    expect(outcomes).toEqual(operations.map(({ name }) => `${name}: NOT_FOUND (unknown id: NOT_FOUND)`));
  });

  it('left A’s work as it was after all of B’s attempts', async () => {
    // Not paused by B's POST /api/schedules/{id}/pause, and no rerun of A's suite made.
    const schedule = await call(a.admin, `/api/schedules/${own.schedule}`);
    const scheduleNow = await json(schedule);
    expect([schedule.status, scheduleNow.pausedAt]).toEqual([200, null]);
    const suites = await json(await call(a.admin, '/api/suites'));
    expect((suites.items as Json[]).map((s) => s.id)).toEqual([own.suite]);
    expect((await call(a.admin, `/api/projects/${a.id}`)).status).toBe(200);
    const keys = await json(await call(a.admin, `/api/projects/${a.id}/keys`));
    expect((keys.items as Json[]).find((k) => k.id === own.key)?.revokedAt).toBeNull();
    const project = await json(await call(a.admin, `/api/projects/${a.id}`));
    expect(project.queuedLimit).toBeNull();
    const secrets = await json(await call(a.admin, '/api/secrets'));
    expect((secrets.items as Json[]).map((s) => s.name)).toEqual([own.secret]);
    // Not deleted by B's DELETE /api/alert-channels/{id}, and not muted by B's POST .../mute.
    expect((await call(a.admin, `/api/alert-channels/${own.alertChannel}`)).status).toBe(200);
    expect(scheduleNow.mutedUntil).toBeNull();
  });
});
