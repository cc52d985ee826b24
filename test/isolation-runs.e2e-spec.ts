import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { suiteEmailId } from '../src/suites/suite-settler';
import { connectEvents, readSse, subscribeGraphql } from './helpers/live-clients';
import { pollUntil } from './helpers/poll';
import { Stack } from './helpers/stack';
import { baseEnv, TEST_API_KEY, TEST_DATABASE_URL } from './helpers/test-env';
import { TestSite } from './helpers/test-site';

interface Answer {
  status: number;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  headers: Headers;
}

interface Project {
  id: string;
  admin: string;
  trigger: string;
  read: string;
}

const SUITE_UPDATE_QUERY = `subscription ($id: ID!) { suiteUpdated(id: $id) { id status } }`;
/** Runs end in a real browser on a shared machine: hooks and tests wait longer than the default. */
const SLOW = 180_000;
const RUN_UPDATE_QUERY = `subscription ($id: ID!) { runUpdated(id: $id) { event runId } }`;

/**
 * Two projects on one real API and worker: for every route and GraphQL operation on runs,
 * suites, schedules and secrets, project B's key given project A's ids is answered exactly
 * as for an id that does not exist, A's own key still works, and B's lists never show A's rows.
 */
describe('isolation between projects: runs, suites, schedules, secrets', () => {
  const site = new TestSite({ '/': '<title>Home</title><h1>Home</h1>' });
  let stack: Stack;
  let dir = '';
  let a: Project;
  let b: Project;
  const tag = randomUUID().slice(0, 8);
  const UNKNOWN = randomUUID();

  const call = async (
    key: string,
    path: string,
    init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Answer> => {
    const response = await fetch(`${stack.base}${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: {
        ...(key ? { 'x-api-key': key } : {}),
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...init.headers,
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      redirect: 'manual',
    });
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON (a file, a page): the test reads `text`.
    }
    return { status: response.status, text, body, headers: response.headers };
  };
  const graphql = async (key: string, query: string, variables: Record<string, unknown> = {}) =>
    (await call(key, '/graphql', { body: { query, variables } })).body as {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      data?: any;
      errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
    };

  const makeProject = async (name: string): Promise<Project> => {
    const project = await call(TEST_API_KEY, '/api/projects', { body: { name } });
    expect(project.status).toBe(201);
    const id = project.body.id as string;
    const key = async (scopes: string[]) => {
      const made = await call(TEST_API_KEY, `/api/projects/${id}/keys`, { body: { name: scopes[0], scopes } });
      expect(made.status).toBe(201);
      return made.body.key as string;
    };
    return { id, admin: await key(['admin']), trigger: await key(['trigger']), read: await key(['read']) };
  };

  /** `key` asking for `path(id)` is answered as for an id that exists nowhere: 404, the same words. */
  const expectUnknownTo = async (
    key: string,
    id: string,
    path: (id: string) => string,
    init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) => {
    const foreign = await call(key, path(id), init);
    const unknown = await call(key, path(UNKNOWN), init);
    const words = (answer: Answer, of: string) => [
      answer.status,
      String((answer.body as { message?: unknown } | undefined)?.message ?? answer.text).replaceAll(of, '<id>'),
    ];
    expect([path(id), ...words(foreign, id)]).toEqual([path(id), ...words(unknown, UNKNOWN)]);
    expect(foreign.status).toBe(404);
  };

  /** The same for a GraphQL operation taking `$id`: the same error as an unknown id, and no data. */
  const expectGraphqlUnknownTo = async (key: string, id: string, query: string, expected: string) => {
    const foreign = await graphql(key, query, { id });
    const unknown = await graphql(key, query, { id: UNKNOWN });
    expect(foreign.data ?? null).toBeNull();
    const words = (errors: typeof foreign.errors, of: string) =>
      errors?.map((e) => [e.message.replaceAll(of, '<id>'), e.extensions?.status, e.extensions?.code]);
    expect(words(foreign.errors, id)).toEqual(words(unknown.errors, UNKNOWN));
    expect(foreign.errors?.[0]?.message).toBe(expected.replace('<id>', id));
  };

  const stepRun = (name: string) => ({
    name,
    baseUrl: site.base,
    steps: [
      { action: 'goto', url: '/' },
      { action: 'screenshot', name: 'home' },
    ],
  });
  const scriptRun = (secrets: string[]) => ({
    name: 'secret reader',
    baseUrl: site.base,
    script: {
      files: {
        'read.spec.ts': [
          "import { test } from '@playwright/test';",
          '',
          "test('reads its secret', async () => {",
          '  if (!process.env.MISSING_ON_PURPOSE) return;',
          '});',
          '',
        ].join('\n'),
      },
    },
    secrets,
  });
  const ended = (status: string) => !['queued', 'running'].includes(status);

  beforeAll(async () => {
    await site.start();
    dir = await mkdtemp(join(tmpdir(), 'stevedore-isolation-'));
    stack = await new Stack(
      baseEnv({
        ARTIFACTS_DIR: dir,
        ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
        SECRETS_KEY: randomBytes(32).toString('base64'),
        SCHEDULE_MIN_INTERVAL_MS: '1000',
      }),
    ).start();
    a = await makeProject(`iso-a-${tag}`);
    b = await makeProject(`iso-b-${tag}`);
  }, SLOW);

  afterAll(async () => {
    await stack?.stop();
    await site.stop();
    await rm(dir, { recursive: true, force: true });
  }, SLOW);

  describe('runs', () => {
    let runId = '';
    let artifact = '';

    beforeAll(async () => {
      const created = await call(a.trigger, '/api/runs', { body: stepRun(`a-run-${tag}`) });
      expect(created.status).toBe(201);
      runId = created.body.id as string;
      const run = await pollUntil(
        async () => (await call(a.read, `/api/runs/${runId}`)).body,
        (r) => ended(r.status as string),
        60000,
        'the run of A ended',
      );
      expect(run.status).toBe('passed');
      artifact = (run.artifacts as Array<{ name: string }>)[0].name;
    }, SLOW);

    it(
      "answers B's key on A's run as on an unknown run, on every REST route",
      async () => {
        await expectUnknownTo(b.admin, runId, (id) => `/api/runs/${id}`);
        await expectUnknownTo(b.admin, runId, (id) => `/api/runs/${id}/spec`);
        await expectUnknownTo(b.admin, runId, (id) => `/api/runs/${id}/cancel`, { method: 'POST' });
        await expectUnknownTo(b.admin, runId, (id) => `/api/runs/${id}/artifacts/${artifact}`);
        // The artifact and report routes also take the key as a Basic auth password (a browser).
        const basic = { authorization: `Basic ${Buffer.from(`x:${b.read}`).toString('base64')}` };
        await expectUnknownTo('', runId, (id) => `/api/runs/${id}/artifacts/${artifact}`, { headers: basic });
        await expectUnknownTo(b.read, runId, (id) => `/api/runs/${id}/report`);
        await expectUnknownTo(b.read, runId, (id) => `/api/runs/${id}/report/`);
        await expectUnknownTo('', runId, (id) => `/api/runs/${id}/report/trace/index.html`, { headers: basic });
        await expectUnknownTo(b.read, runId, (id) => `/api/runs/${id}/events`);
      },
      SLOW,
    );

    it(
      "serves A's own key on every route of its run",
      async () => {
        expect((await call(a.read, `/api/runs/${runId}`)).body).toMatchObject({ id: runId, status: 'passed' });
        const spec = await call(a.read, `/api/runs/${runId}/spec`);
        expect([spec.status, spec.text]).toEqual([200, expect.stringContaining('await page.goto("/"') as string]);
        const cancel = await call(a.trigger, `/api/runs/${runId}/cancel`, { method: 'POST' });
        expect([cancel.status, cancel.body.message]).toEqual([409, `Run ${runId} already ended (passed)`]);
        const file = await call(a.read, `/api/runs/${runId}/artifacts/${artifact}`);
        expect([file.status, file.headers.get('content-type')]).toEqual([200, 'image/png']);
        const basic = { authorization: `Basic ${Buffer.from(`x:${a.read}`).toString('base64')}` };
        expect((await call('', `/api/runs/${runId}/artifacts/${artifact}`, { headers: basic })).status).toBe(200);
        const toReport = await call(a.read, `/api/runs/${runId}/report`);
        expect([toReport.status, toReport.headers.get('location')]).toEqual([301, 'report/']);
        // A step run keeps no HTML report: A is told so (B was told the same as for an unknown run).
        const report = await call(a.read, `/api/runs/${runId}/report/`);
        expect([report.status, report.body.message]).toEqual([404, expect.stringMatching(/has no HTML report/)]);
        const sse = await readSse(`${stack.base}/api/runs/${runId}/events`, { 'x-api-key': a.read });
        expect(sse.status).toBe(200);
        await sse.finished;
        expect(sse.events.map((e) => e.event)).toEqual(['run.updated', 'end']);
      },
      SLOW,
    );

    it(
      "refuses B's live subscriptions to A's run: SSE token, socket.io, GraphQL",
      async () => {
        // A token B may mint for any id opens nothing of A's.
        const token = await call(b.read, '/api/events/tokens', { body: { runId } });
        expect(token.status).toBe(201);
        const byToken = await readSse(`${stack.base}/api/runs/${runId}/events?token=${token.body.token as string}`, {});
        expect([byToken.status, JSON.parse(byToken.body).message]).toEqual([404, `Run ${runId} not found`]);

        const socket = await connectEvents(stack.base, { token: b.read });
        try {
          expect(await socket.emitWithAck('subscribe', { runId })).toEqual({
            ok: false,
            error: { status: 404, message: `Run ${runId} not found` },
          });
        } finally {
          socket.close();
        }
        await expect(
          subscribeGraphql(stack.base, runId, { 'x-api-key': b.read }, RUN_UPDATE_QUERY).done,
        ).rejects.toThrow(`Run ${runId} not found`);
        const own = subscribeGraphql(stack.base, runId, { 'x-api-key': a.read }, RUN_UPDATE_QUERY);
        await own.done;
        expect(own.results[0]?.data).toEqual({ runUpdated: { event: 'run.updated', runId } });
      },
      SLOW,
    );

    it(
      "answers B's GraphQL run and cancelRun on A's run as on an unknown one; A's work",
      async () => {
        await expectGraphqlUnknownTo(b.read, runId, `query ($id: ID!) { run(id: $id) { id } }`, 'Run <id> not found');
        await expectGraphqlUnknownTo(
          b.trigger,
          runId,
          `mutation ($id: ID!) { cancelRun(id: $id) { id } }`,
          'Run <id> not found',
        );
        expect(
          (
            await graphql(
              a.read,
              `
                query ($id: ID!) {
                  run(id: $id) {
                    id
                    status
                  }
                }
              `,
              { id: runId },
            )
          ).data,
        ).toEqual({
          run: { id: runId, status: 'passed' },
        });
        const cancel = await graphql(
          a.trigger,
          `
            mutation ($id: ID!) {
              cancelRun(id: $id) {
                id
              }
            }
          `,
          { id: runId },
        );
        expect(cancel.errors?.[0]?.message).toBe(`Run ${runId} already ended (passed)`);
      },
      SLOW,
    );

    it(
      "never lists A's runs to B, and a run B triggers is B's (REST and GraphQL)",
      async () => {
        const viaRest = await call(b.trigger, '/api/runs', { body: stepRun(`b-run-${tag}`) });
        expect(viaRest.status).toBe(201);
        const viaGraphql = await graphql(
          b.trigger,
          `
            mutation ($input: TriggerRunInput!) {
              triggerRun(input: $input) {
                id
              }
            }
          `,
          {
            input: stepRun(`b-gql-${tag}`),
          },
        );
        const bRuns = [viaRest.body.id as string, viaGraphql.data.triggerRun.id as string];

        const listed = async (key: string) =>
          ((await call(key, '/api/runs?limit=100')).body.items as Array<{ id: string }>).map((r) => r.id);
        const gqlListed = async (key: string) =>
          (
            (
              await graphql(
                key,
                `
                  {
                    runs(limit: 100) {
                      items {
                        id
                      }
                    }
                  }
                `,
              )
            ).data.runs.items as Array<{ id: string }>
          ).map((r) => r.id);
        expect(await listed(b.read)).toEqual(expect.arrayContaining(bRuns));
        expect(await listed(b.read)).not.toContain(runId);
        expect(await gqlListed(b.read)).toEqual(expect.arrayContaining(bRuns));
        expect(await gqlListed(b.read)).not.toContain(runId);
        expect(await listed(a.read)).toContain(runId);
        for (const id of bRuns) {
          expect(await listed(a.read)).not.toContain(id);
          await expectUnknownTo(a.read, id, (x) => `/api/runs/${x}`);
        }
        for (const id of bRuns)
          await pollUntil(
            async () => (await call(b.read, `/api/runs/${id}`)).body.status as string,
            ended,
            60000,
            `B's run ${id} ended`,
          );
      },
      SLOW,
    );
  });

  describe('suites', () => {
    let suiteId = '';
    let suiteRunId = '';

    beforeAll(async () => {
      const created = await call(a.trigger, '/api/suites', {
        body: { name: `a-suite-${tag}`, tests: [stepRun('one'), stepRun('two')] },
      });
      expect(created.status).toBe(201);
      suiteId = created.body.id as string;
      suiteRunId = (created.body.runs as Array<{ id: string }>)[0].id;
    }, SLOW);

    it(
      "answers B's key on A's suite as on an unknown suite; A's key works",
      async () => {
        await expectUnknownTo(b.read, suiteId, (id) => `/api/suites/${id}`);
        await expectUnknownTo(b.trigger, suiteId, (id) => `/api/suites/${id}/cancel`, { method: 'POST' });
        await expectUnknownTo(b.read, suiteId, (id) => `/api/suites/${id}/events`);
        // The suite's runs are A's too.
        await expectUnknownTo(b.read, suiteRunId, (id) => `/api/runs/${id}`);
        expect((await call(a.read, `/api/runs/${suiteRunId}`)).body.suiteId).toBe(suiteId);
        const bySuite = await call(b.read, `/api/runs?suiteId=${suiteId}`);
        expect([bySuite.status, bySuite.body.items]).toEqual([200, []]);
        const aBySuite = (await call(a.read, `/api/runs?suiteId=${suiteId}`)).body.items as unknown[];
        expect(aBySuite).toHaveLength(2);
        // A re-run of a test by its run (fromRun) only finds the project's own runs.
        const rerun = async (id: string) =>
          call(b.trigger, '/api/suites', { body: { name: 'rerun', tests: [{ fromRun: id }] } });
        const foreign = await rerun(suiteRunId);
        const unknown = await rerun(UNKNOWN);
        expect([foreign.status, (foreign.body.message as string[]).map((m) => m.replace(suiteRunId, '<id>'))]).toEqual([
          400,
          (unknown.body.message as string[]).map((m) => m.replace(UNKNOWN, '<id>')),
        ]);
        expect(foreign.body.message).toEqual([`tests[0].fromRun: run ${suiteRunId} not found`]);

        const suite = await pollUntil(
          async () => (await call(a.read, `/api/suites/${suiteId}`)).body,
          (s) => ended(s.status as string),
          90000,
          "A's suite ended",
        );
        expect(suite.runs).toHaveLength(2);
        const cancel = await call(a.trigger, `/api/suites/${suiteId}/cancel`, { method: 'POST' });
        expect([cancel.status, cancel.body.message]).toEqual([409, `Suite ${suiteId} already ended (${suite.status})`]);
        const sse = await readSse(`${stack.base}/api/suites/${suiteId}/events`, { 'x-api-key': a.read });
        expect(sse.status).toBe(200);
        await sse.finished;
        expect(sse.events.map((e) => e.event)).toEqual(['suite.updated', 'end']);
      },
      SLOW,
    );

    it(
      "answers B's GraphQL suite, cancelSuite and suiteUpdated on A's suite as on an unknown one",
      async () => {
        await expectGraphqlUnknownTo(
          b.read,
          suiteId,
          `query ($id: ID!) { suite(id: $id) { id } }`,
          'Suite <id> not found',
        );
        await expectGraphqlUnknownTo(
          b.trigger,
          suiteId,
          `mutation ($id: ID!) { cancelSuite(id: $id) { id } }`,
          'Suite <id> not found',
        );
        await expect(
          subscribeGraphql(stack.base, suiteId, { 'x-api-key': b.read }, SUITE_UPDATE_QUERY).done,
        ).rejects.toThrow(`Suite ${suiteId} not found`);
        const socket = await connectEvents(stack.base, { token: b.read });
        try {
          expect(await socket.emitWithAck('subscribe', { suiteId })).toEqual({
            ok: false,
            error: { status: 404, message: `Suite ${suiteId} not found` },
          });
        } finally {
          socket.close();
        }
        expect(
          (
            await graphql(
              a.read,
              `
                query ($id: ID!) {
                  suite(id: $id) {
                    id
                  }
                }
              `,
              { id: suiteId },
            )
          ).data,
        ).toEqual({
          suite: { id: suiteId },
        });
        const own = subscribeGraphql(stack.base, suiteId, { 'x-api-key': a.read }, SUITE_UPDATE_QUERY);
        await own.done;
        expect(own.results[0]?.data?.suiteUpdated).toMatchObject({ id: suiteId });
      },
      SLOW,
    );

    it(
      "never lists A's suites to B; a suite B triggers (REST, GraphQL) and its runs are B's",
      async () => {
        const viaRest = await call(b.trigger, '/api/suites', {
          body: { name: `b-suite-${tag}`, tests: [stepRun('b')], notify: ['lead@example.com'] },
        });
        expect(viaRest.status).toBe(201);
        const viaGraphql = await graphql(
          b.trigger,
          `
            mutation ($input: TriggerSuiteInput!) {
              triggerSuite(input: $input) {
                id
                runs {
                  id
                }
              }
            }
          `,
          { input: { name: `b-gql-suite-${tag}`, tests: [stepRun('b')] } },
        );
        const bSuites = [viaRest.body.id as string, viaGraphql.data.triggerSuite.id as string];
        const listed = async (key: string) =>
          ((await call(key, '/api/suites?limit=100')).body.items as Array<{ id: string }>).map((s) => s.id);
        expect(await listed(b.read)).toEqual(expect.arrayContaining(bSuites));
        expect(await listed(b.read)).not.toContain(suiteId);
        expect(await listed(a.read)).toContain(suiteId);
        for (const id of bSuites) expect(await listed(a.read)).not.toContain(id);
        const bRun = viaGraphql.data.triggerSuite.runs[0].id as string;
        expect((await call(b.read, `/api/runs/${bRun}`)).status).toBe(200);
        await expectUnknownTo(a.read, bRun, (id) => `/api/runs/${id}`);
        for (const id of bSuites)
          await pollUntil(
            async () => (await call(b.read, `/api/suites/${id}`)).body.status as string,
            ended,
            90000,
            `B's suite ${id} ended`,
          );
        // Its summary email is B's too (the settler on the worker stores it in the suite's project).
        const db = new Client({ connectionString: TEST_DATABASE_URL });
        await db.connect();
        try {
          const { rows } = await db.query(`SELECT project_id FROM emails WHERE id = $1`, [suiteEmailId(bSuites[0])]);
          expect(rows).toEqual([{ project_id: b.id }]);
        } finally {
          await db.end();
        }
      },
      SLOW,
    );
  });

  describe('schedules', () => {
    const yearly = (name: string) => ({ name, cron: '0 0 1 1 *', run: stepRun(name) });

    it(
      "answers B's key on A's schedule as on an unknown one; A's admin key reads and deletes it, audited",
      async () => {
        const created = await call(a.admin, '/api/schedules', { body: yearly(`a-schedule-${tag}`) });
        expect(created.status).toBe(201);
        expect(created.body).not.toHaveProperty('projectId');
        const id = created.body.id as string;
        await expectUnknownTo(b.read, id, (x) => `/api/schedules/${x}`);
        await expectUnknownTo(b.admin, id, (x) => `/api/schedules/${x}`, { method: 'DELETE' });
        const listed = async (key: string) =>
          ((await call(key, '/api/schedules?limit=100')).body.items as Array<{ id: string }>).map((s) => s.id);
        expect(await listed(b.read)).not.toContain(id);
        expect(await listed(a.read)).toContain(id);
        // B's delete changed nothing: A's schedule is still there, and only A's key deletes it.
        expect((await call(a.read, `/api/schedules/${id}`)).body).toMatchObject({ id, name: `a-schedule-${tag}` });
        expect((await call(a.admin, `/api/schedules/${id}`, { method: 'DELETE' })).status).toBe(204);
        expect((await call(a.read, `/api/schedules/${id}`)).status).toBe(404);

        const audit = async (key: string) =>
          ((await call(key, '/api/audit?limit=100')).body.items as Array<{ action: string; target: string }>)
            .filter((event) => event.target === id)
            .map((event) => event.action);
        expect((await audit(a.admin)).sort()).toEqual(['schedule.created', 'schedule.deleted']);
        expect(await audit(b.admin)).toEqual([]);
      },
      SLOW,
    );

    it(
      'needs the admin scope to create or delete a schedule; read is enough to read them',
      async () => {
        const refused = await call(a.trigger, '/api/schedules', { body: yearly(`refused-${tag}`) });
        expect([refused.status, refused.body.message]).toEqual([
          403,
          'This key lacks the admin scope (it has trigger)',
        ]);
        const created = await call(a.admin, '/api/schedules', { body: yearly(`scoped-${tag}`) });
        const id = created.body.id as string;
        expect((await call(a.trigger, `/api/schedules/${id}`, { method: 'DELETE' })).status).toBe(403);
        expect((await call(a.read, `/api/schedules/${id}`)).status).toBe(200);
        expect((await call(a.read, '/api/schedules')).status).toBe(200);
        expect((await call(a.admin, `/api/schedules/${id}`, { method: 'DELETE' })).status).toBe(204);
      },
      SLOW,
    );

    it(
      "queues each tick's run or suite in the schedule's project, out of the other's sight",
      async () => {
        const every = { cron: '* * * * * *' };
        const runSchedule = await call(b.admin, '/api/schedules', {
          body: { name: `b-ticks-${tag}`, ...every, run: stepRun('tick') },
        });
        const suiteSchedule = await call(b.admin, '/api/schedules', {
          body: { name: `b-suite-ticks-${tag}`, ...every, suite: { name: 'tick suite', tests: [stepRun('tick')] } },
        });
        expect([runSchedule.status, suiteSchedule.status]).toEqual([201, 201]);
        const [runScheduleId, suiteScheduleId] = [runSchedule.body.id as string, suiteSchedule.body.id as string];
        try {
          const ticked = (await pollUntil(
            async () => (await call(b.read, `/api/schedules/${runScheduleId}`)).body.lastRunId as string | null,
            (lastRunId) => lastRunId !== null,
            30000,
            'a tick queued a run',
          )) as string;
          const suiteTicked = (await pollUntil(
            async () => (await call(b.read, `/api/schedules/${suiteScheduleId}`)).body.lastSuiteId as string | null,
            (lastSuiteId) => lastSuiteId !== null,
            30000,
            'a tick queued a suite',
          )) as string;
          const byB = (await call(b.read, `/api/runs?scheduleId=${runScheduleId}`)).body.items as Array<{ id: string }>;
          expect(byB.map((r) => r.id)).toContain(ticked);
          // Another project's schedule: the runs list does not look the schedule up, so it is an empty page.
          const byA = await call(a.read, `/api/runs?scheduleId=${runScheduleId}`);
          expect([byA.status, byA.body.items]).toEqual([200, []]);
          await expectUnknownTo(a.read, ticked, (id) => `/api/runs/${id}`);
          expect((await call(b.read, `/api/suites/${suiteTicked}`)).body.scheduleId).toBe(suiteScheduleId);
          await expectUnknownTo(a.read, suiteTicked, (id) => `/api/suites/${id}`);
        } finally {
          for (const id of [runScheduleId, suiteScheduleId])
            expect((await call(b.admin, `/api/schedules/${id}`, { method: 'DELETE' })).status).toBe(204);
        }
      },
      SLOW,
    );
  });

  describe('secrets', () => {
    const secret = `ISO_${tag.toUpperCase()}_TOKEN`;

    beforeAll(async () => {
      expect((await call(a.admin, '/api/secrets', { body: { name: secret, value: `a-${tag}` } })).status).toBe(201);
    }, SLOW);

    it(
      "refuses a run, suite or schedule of B naming a secret only A holds (400), as A's are accepted",
      async () => {
        const problem = `secrets: ${secret} is not a stored secret (POST /api/secrets)`;
        const run = await call(b.trigger, '/api/runs', { body: scriptRun([secret]) });
        expect([run.status, run.body.message]).toEqual([400, [problem]]);
        const gql = await graphql(
          b.trigger,
          `
            mutation ($input: TriggerRunInput!) {
              triggerRun(input: $input) {
                id
              }
            }
          `,
          {
            input: scriptRun([secret]),
          },
        );
        expect(gql.errors?.[0]?.message).toContain(problem);
        const suite = await call(b.trigger, '/api/suites', { body: { name: 's', tests: [scriptRun([secret])] } });
        expect([suite.status, suite.body.message]).toEqual([400, [`tests[0].${problem}`]]);
        const schedule = await call(b.admin, '/api/schedules', {
          body: { name: 's', cron: '0 0 1 1 *', run: scriptRun([secret]) },
        });
        expect([schedule.status, schedule.body.message]).toEqual([400, [`run.${problem}`]]);

        const own = await call(a.trigger, '/api/runs', { body: scriptRun([secret]) });
        expect(own.status).toBe(201);
        // Its outcome is the sandbox's business (script-runs e2e); only its acceptance matters here.
        await call(a.trigger, `/api/runs/${own.body.id as string}/cancel`, { method: 'POST' });
      },
      SLOW,
    );

    it(
      "keeps B's list, delete and store to B's own secrets; all need the admin scope",
      async () => {
        const bList = (await call(b.admin, '/api/secrets')).body.items as Array<{ name: string }>;
        expect(bList.map((s) => s.name)).not.toContain(secret);
        const foreign = await call(b.admin, `/api/secrets/${secret}`, { method: 'DELETE' });
        expect([foreign.status, foreign.body.message]).toEqual([404, `Secret ${secret} not found`]);
        // B storing the name makes B's own secret (201, not a replacement of A's).
        expect((await call(b.admin, '/api/secrets', { body: { name: secret, value: `b-${tag}` } })).status).toBe(201);
        expect((await call(b.admin, `/api/secrets/${secret}`, { method: 'DELETE' })).status).toBe(204);
        const aList = (await call(a.admin, '/api/secrets')).body.items as Array<{ name: string }>;
        expect(aList.map((s) => s.name)).toContain(secret);
        for (const key of [a.read, a.trigger]) {
          expect((await call(key, '/api/secrets')).status).toBe(403);
          expect((await call(key, '/api/secrets', { body: { name: secret, value: 'x' } })).status).toBe(403);
          expect((await call(key, `/api/secrets/${secret}`, { method: 'DELETE' })).status).toBe(403);
        }
      },
      SLOW,
    );

    afterAll(async () => {
      await call(a.admin, `/api/secrets/${secret}`, { method: 'DELETE' });
    }, SLOW);
  });
});
