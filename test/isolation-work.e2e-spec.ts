import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { CrawlSite } from './helpers/crawl-site';
import { connectEvents, readSse, SCRAPE_UPDATE_QUERY, subscribeGraphql } from './helpers/live-clients';
import { pollUntil } from './helpers/poll';
import { SmtpSink } from './helpers/smtp-sink';
import { Stack } from './helpers/stack';
import { BOARD_PASSWORD, BOARD_USER, baseEnv, TEST_API_KEY, TEST_DATABASE_URL } from './helpers/test-env';

interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}
interface GqlAnswer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  data?: any;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

const EMAIL_QUERY = `query ($id: ID!) { email(id: $id) { id status to } }`;
const USER_QUERY = `query ($id: ID!) { user(id: $id) { id email } }`;
const SCRAPE_QUERY = `query ($id: ID!) { scrape(id: $id) { id status pages(limit: 5) { items { id url markdown links } } } }`;
const CANCEL_SCRAPE = `mutation ($id: ID!) { cancelScrape(id: $id) { id status } }`;
const REPLAY = `mutation ($id: ID!) { replayDeadLetter(id: $id) { id replayedAt } }`;
const DEAD_LETTERS = `query { deadLetters(limit: 100) { items { id jobId } } }`;

/**
 * Isolation of scrapes, emails, users and dead letters between two projects, against a
 * real API and worker: project B's key, given project A's ids, gets exactly what it gets
 * for ids that do not exist (REST, GraphQL, SSE, socket.io), A's key still works, and
 * what each project creates lands in its own project.
 */
describe('isolation: scrapes, emails, users, dead letters', () => {
  const sink = new SmtpSink();
  let site: CrawlSite;
  let stack: Stack;
  let db: Client;
  const tag = randomUUID().slice(0, 8);
  const keys = { a: '', b: '', aAdmin: '' };
  const projects = { a: '', b: '', aName: `iso-a-${tag}`, bName: `iso-b-${tag}` };
  /** A's work, made once: a finished crawl, a sent email, a user (with its welcome email), a dead letter. */
  const made = { scrape: '', email: '', user: '', welcome: '', letter: '', letterEmail: '' };
  const address = `same-${tag}@example.com`;
  const idemKey = `idem-${tag}`;

  const call = async (key: string, path: string, init: { method?: string; body?: unknown; headers?: object } = {}) => {
    const res = await fetch(`${stack.base}${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: {
        authorization: `Bearer ${key}`,
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...init.headers,
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : {} } as Answer;
  };
  const gql = async (key: string, query: string, variables?: Record<string, unknown>): Promise<GqlAnswer> => {
    const res = await call(key, '/graphql', { body: { query, variables } });
    return { status: res.status, ...(res.body as object) };
  };
  /** An answer with `id` written as <id>: what B gets for A's id must equal what it gets for an unknown one. */
  const masked = (answer: unknown, id: string) => JSON.parse(JSON.stringify(answer).replaceAll(id, '<id>')) as unknown;
  const expectLikeUnknown = async <T>(ask: (id: string) => Promise<T>, aId: string, expectedStatus?: number) => {
    const unknown = randomUUID();
    const [forA, forUnknown] = [await ask(aId), await ask(unknown)];
    expect(masked(forA, aId)).toEqual(masked(forUnknown, unknown));
    if (expectedStatus !== undefined) expect((forA as { status: number }).status).toBe(expectedStatus);
    return forA;
  };

  beforeAll(async () => {
    // Addresses starting dead- do not exist (550): their emails fail for good and become dead letters.
    sink.reject((rcpt) => (rcpt.startsWith('dead-') ? { code: 550, message: '5.1.1 No such user here' } : undefined));
    await sink.start();
    site = await new CrawlSite({ pages: 6 }).start();
    stack = await new Stack(
      baseEnv({ MAIL_HOST: '127.0.0.1', MAIL_PORT: String(sink.port), ALLOWED_PRIVATE_HOSTS: 'localhost' }),
    ).start();
    db = new Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();

    for (const side of ['a', 'b'] as const) {
      const name = side === 'a' ? projects.aName : projects.bName;
      const project = await call(TEST_API_KEY, '/api/projects', { body: { name } });
      expect(project.status).toBe(201);
      projects[side] = project.body.id as string;
      const key = await call(TEST_API_KEY, `/api/projects/${projects[side]}/keys`, {
        body: { name: `${side}-trigger`, scopes: ['trigger'] },
      });
      expect(key.status).toBe(201);
      keys[side] = key.body.key as string;
    }
    const admin = await call(TEST_API_KEY, `/api/projects/${projects.a}/keys`, {
      body: { name: 'a-admin', scopes: ['admin'] },
    });
    keys.aAdmin = admin.body.key as string;

    // A's work.
    const scrape = await call(keys.a, '/api/scrapes', {
      body: { url: `${site.base}/`, mode: 'crawl', maxPages: 5, formats: ['markdown', 'links'] },
    });
    expect(scrape.status).toBe(201);
    made.scrape = scrape.body.id as string;
    const email = await call(keys.a, '/api/emails', {
      body: { to: `a-${tag}@example.com`, subject: 'For A', text: 'a' },
      headers: { 'idempotency-key': idemKey },
    });
    expect(email.status).toBe(202);
    made.email = email.body.id as string;
    const user = await call(keys.a, '/api/users', { body: { email: address, name: 'Ada of A' } });
    expect(user.status).toBe(201);
    made.user = user.body.id as string;
    const { rows } = await db.query(`SELECT id FROM emails WHERE user_id = $1`, [made.user]);
    made.welcome = rows[0].id as string;
    const dead = await call(keys.a, '/api/emails', {
      body: { to: `dead-${tag}@example.com`, subject: 'x', text: 'x' },
    });
    made.letterEmail = dead.body.id as string;

    await pollUntil(
      () => call(keys.a, `/api/scrapes/${made.scrape}`),
      (s) => ['completed', 'failed'].includes(s.body.status as string),
      60000,
      "A's crawl ended",
    );
    const letters = await pollUntil(
      () => call(keys.a, '/api/dead-letters?limit=100'),
      (page) => (page.body.items as Array<{ jobId: string }>).some((l) => l.jobId === made.letterEmail),
      20000,
      "A's dead letter kept",
    );
    made.letter = (letters.body.items as Array<{ id: string; jobId: string }>).find(
      (l) => l.jobId === made.letterEmail,
    )!.id;
  });

  afterAll(async () => {
    await stack?.stop();
    await Promise.all([sink.stop(), site?.stop(), db?.end()]);
  });

  it("puts A's work in project A: the rows, the welcome email and the dead letter", async () => {
    const owner = async (table: string, id: string) =>
      (await db.query(`SELECT project_id FROM ${table} WHERE id = $1`, [id])).rows[0]?.project_id as string;
    expect(await owner('scrapes', made.scrape)).toBe(projects.a);
    expect(await owner('emails', made.email)).toBe(projects.a);
    expect(await owner('users', made.user)).toBe(projects.a);
    expect(await owner('emails', made.welcome)).toBe(projects.a);
    expect(await owner('dead_letters', made.letter)).toBe(projects.a);
    // Answers never carry the project.
    expect((await call(keys.a, `/api/scrapes/${made.scrape}`)).body).not.toHaveProperty('projectId');
  });

  it("answers B's REST requests for A's ids exactly as for ids that do not exist", async () => {
    const routes: Array<[string, (id: string) => string, unknown?]> = [
      ['GET', (id) => `/api/scrapes/${id}`],
      ['GET', (id) => `/api/scrapes/${id}/pages`],
      ['GET', (id) => `/api/scrapes/${id}/pages?fields=markdown,links&limit=200`],
      ['POST', (id) => `/api/scrapes/${id}/cancel`],
      ['GET', (id) => `/api/emails/${id}`],
      ['GET', (id) => `/api/users/${id}`],
      ['POST', (id) => `/api/dead-letters/${id}/replay`],
    ];
    const idFor = (path: string) =>
      path.includes('/scrapes/')
        ? made.scrape
        : path.includes('/users/')
          ? made.user
          : path.includes('/dead-letters/')
            ? made.letter
            : made.email;
    for (const [method, path] of routes) {
      const aId = idFor(path('x'));
      const answer = await expectLikeUnknown((id) => call(keys.b, path(id), { method }), aId);
      expect([method, path(aId), answer.status]).toEqual([method, path(aId), 404]);
    }
    // The welcome email of A's user too.
    await expectLikeUnknown((id) => call(keys.b, `/api/emails/${id}`), made.welcome, 404);

    // SSE: with the key in a header, and with an event token B minted for A's id.
    await expectLikeUnknown(
      async (id) => {
        const sse = await readSse(`${stack.base}/api/scrapes/${id}/events`, { authorization: `Bearer ${keys.b}` });
        return { status: sse.status, body: sse.body };
      },
      made.scrape,
      404,
    );
    await expectLikeUnknown(
      async (id) => {
        const token = await call(keys.b, '/api/events/tokens', { body: { scrapeId: id } });
        expect(token.status).toBe(201);
        const sse = await readSse(`${stack.base}/api/scrapes/${id}/events?token=${token.body.token as string}`, {});
        return { status: sse.status, body: sse.body };
      },
      made.scrape,
      404,
    );
  });

  it("answers B's GraphQL operations for A's ids exactly as for ids that do not exist", async () => {
    for (const query of [SCRAPE_QUERY, CANCEL_SCRAPE, EMAIL_QUERY, USER_QUERY, REPLAY]) {
      const aId =
        query === EMAIL_QUERY
          ? made.email
          : query === USER_QUERY
            ? made.user
            : query === REPLAY
              ? made.letter
              : made.scrape;
      const answer = await expectLikeUnknown((id) => gql(keys.b, query, { id }), aId);
      expect([query, answer.errors?.[0]?.extensions?.status]).toEqual([query, 404]);
      expect(answer.data ?? null).toBeNull();
    }
    await expectLikeUnknown((id) => gql(keys.b, EMAIL_QUERY, { id }), made.welcome);

    // The subscription fails with the unknown id's error.
    const failure = async (id: string) =>
      subscribeGraphql(stack.base, id, { authorization: `Bearer ${keys.b}` }, SCRAPE_UPDATE_QUERY).done.then(
        () => 'completed',
        (error: Error) => error.message,
      );
    const forA = await failure(made.scrape);
    expect(forA).toContain(`"message":"Scrape ${made.scrape} not found"`);
    const unknown = randomUUID();
    expect(forA.replace(made.scrape, '<id>')).toBe((await failure(unknown)).replace(unknown, '<id>'));
  });

  it("answers B's socket.io subscriptions to A's scrape and email as unknown ids", async () => {
    const socket = await connectEvents(stack.base, { token: keys.b });
    try {
      for (const [field, aId] of [
        ['scrapeId', made.scrape],
        ['emailId', made.email],
        ['emailId', made.welcome],
      ] as const) {
        const ack = await expectLikeUnknown((id) => socket.emitWithAck('subscribe', { [field]: id }), aId);
        expect(ack).toMatchObject({ ok: false, error: { status: 404 } });
      }
    } finally {
      socket.close();
    }
    // A's key follows its own scrape and email.
    const own = await connectEvents(stack.base, { token: keys.a });
    try {
      expect(await own.emitWithAck('subscribe', { scrapeId: made.scrape })).toEqual({
        ok: true,
        kind: 'scrape',
        id: made.scrape,
      });
      expect(await own.emitWithAck('subscribe', { emailId: made.email })).toEqual({
        ok: true,
        kind: 'email',
        id: made.email,
      });
    } finally {
      own.close();
    }
  });

  it("never lists A's scrapes, emails or users to B, over REST or GraphQL", async () => {
    const aIds = [made.scrape, made.email, made.welcome, made.user, made.letterEmail];
    const ids = (items: Array<{ id: string }>) => items.map((item) => item.id);
    for (const list of ['scrapes', 'emails', 'users']) {
      const forB = await call(keys.b, `/api/${list}?limit=100`);
      expect([list, forB.status]).toEqual([list, 200]);
      expect(ids(forB.body.items as Array<{ id: string }>).filter((id) => aIds.includes(id))).toEqual([]);
      const graph = await gql(keys.b, `query { ${list}(limit: 100) { items { id } nextCursor } }`);
      expect(ids(graph.data[list].items as Array<{ id: string }>).filter((id) => aIds.includes(id))).toEqual([]);
    }
    // A's lists hold A's rows, and a scrape in a list reads its errors on demand.
    expect(ids((await call(keys.a, '/api/scrapes')).body.items as Array<{ id: string }>)).toEqual([made.scrape]);
    expect(ids((await call(keys.a, '/api/users')).body.items as Array<{ id: string }>)).toEqual([made.user]);
    expect(ids((await call(keys.a, '/api/emails?limit=100')).body.items as Array<{ id: string }>)).toEqual(
      expect.arrayContaining([made.email, made.welcome, made.letterEmail]),
    );
    const scrapes = await gql(keys.a, `query { scrapes { items { id status errors { url error } } } }`);
    expect(scrapes.data.scrapes.items).toEqual([
      { id: made.scrape, status: expect.any(String), errors: expect.any(Array) },
    ]);
  });

  it("never lists A's dead letters to B, and B's replay leaves A's letter open for A", async () => {
    const bList = await call(keys.b, '/api/dead-letters?limit=100');
    expect(bList.status).toBe(200);
    expect(JSON.stringify(bList.body)).not.toContain(made.letterEmail);
    expect((await call(keys.b, '/api/dead-letters?queue=emails&open=true&limit=100')).body.items).toEqual([]);
    const bGql = await gql(keys.b, DEAD_LETTERS);
    expect(bGql.data.deadLetters.items).toEqual([]);
    // A still sees it, open, and may replay it.
    const aGql = await gql(keys.a, DEAD_LETTERS);
    expect(aGql.data.deadLetters.items).toEqual([{ id: made.letter, jobId: made.letterEmail }]);
    const replayed = await gql(keys.a, REPLAY, { id: made.letter });
    expect(replayed.data.replayDeadLetter).toEqual({ id: made.letter, replayedAt: expect.any(String) });
  });

  it("still serves A's key: its scrape with pages, its email, its user", async () => {
    const scrape = await call(keys.a, `/api/scrapes/${made.scrape}`);
    expect(scrape.status).toBe(200);
    const pages = await call(keys.a, `/api/scrapes/${made.scrape}/pages?fields=url,markdown,links`);
    expect(pages.status).toBe(200);
    expect((pages.body.items as unknown[]).length).toBeGreaterThan(0);
    const graph = await gql(keys.a, SCRAPE_QUERY, { id: made.scrape });
    expect(graph.data.scrape.pages.items.length).toBeGreaterThan(0);
    expect((await call(keys.a, `/api/emails/${made.email}`)).status).toBe(200);
    expect((await gql(keys.a, USER_QUERY, { id: made.user })).data.user).toEqual({ id: made.user, email: address });
    // A finished scrape is a conflict for its own project (not a 404): the 404 above was B's alone.
    expect((await call(keys.a, `/api/scrapes/${made.scrape}/cancel`, { method: 'POST' })).status).toBe(409);
  });

  it('starts work in the caller project: a scrape B starts is invisible to A', async () => {
    const rest = await call(keys.b, '/api/scrapes', { body: { url: `${site.base}/` } });
    expect(rest.status).toBe(201);
    const graph = await gql(keys.b, `mutation ($url: String!) { startScrape(input: { url: $url }) { id status } }`, {
      url: `${site.base}/`,
    });
    const graphId = graph.data.startScrape.id as string;
    for (const id of [rest.body.id as string, graphId]) {
      expect((await call(keys.b, `/api/scrapes/${id}`)).status).toBe(200);
      expect((await call(keys.a, `/api/scrapes/${id}`)).status).toBe(404);
      const { rows } = await db.query(`SELECT project_id FROM scrapes WHERE id = $1`, [id]);
      expect(rows[0].project_id).toBe(projects.b);
    }
  });

  it("makes a new email in B for an idempotency key A used, and never answers with A's email", async () => {
    const rest = await call(keys.b, '/api/emails', {
      body: { to: `b-${tag}@example.com`, subject: 'For B', text: 'b' },
      headers: { 'idempotency-key': idemKey },
    });
    expect(rest.status).toBe(202);
    expect(rest.body.id).not.toBe(made.email);
    // A replay in B returns B's email; the same key in A still returns A's.
    const again = await call(keys.b, '/api/emails', {
      body: { to: `b-${tag}@example.com`, subject: 'For B', text: 'b' },
      headers: { 'idempotency-key': idemKey },
    });
    expect(again.body.id).toBe(rest.body.id);
    const inA = await call(keys.a, '/api/emails', {
      body: { to: `a-${tag}@example.com`, subject: 'For A', text: 'a' },
      headers: { 'idempotency-key': idemKey },
    });
    expect(inA.body.id).toBe(made.email);
    // GraphQL, with a key A used first: B gets an email of its own.
    const gqlKey = `gql-${tag}`;
    const send = `mutation ($key: String, $to: [String!]!) { sendEmail(input: { to: $to, subject: "s", text: "t" }, idempotencyKey: $key) { id to } }`;
    const first = await gql(keys.a, send, { key: gqlKey, to: [`ga-${tag}@example.com`] });
    const second = await gql(keys.b, send, { key: gqlKey, to: [`gb-${tag}@example.com`] });
    expect(second.data.sendEmail.id).not.toBe(first.data.sendEmail.id);
    expect(second.data.sendEmail.to).toEqual([`gb-${tag}@example.com`]);
    expect((await call(keys.a, `/api/emails/${second.data.sendEmail.id as string}`)).status).toBe(404);
    const { rows } = await db.query(`SELECT project_id FROM emails WHERE id = $1`, [rest.body.id]);
    expect(rows[0].project_id).toBe(projects.b);
  });

  it('makes two users of one address in two projects, each with a welcome email in its own project', async () => {
    const inB = await call(keys.b, '/api/users', { body: { email: address, name: 'Ada of B' } });
    expect(inB.status).toBe(201);
    expect(inB.body.id).not.toBe(made.user);
    // Still unique within a project, whatever the case.
    const twice = await call(keys.b, '/api/users', { body: { email: address.toUpperCase(), name: 'Again' } });
    expect(twice.status).toBe(409);
    const graph = await gql(
      keys.b,
      `mutation ($email: String!) { createUser(input: { email: $email, name: "x" }) { id } }`,
      { email: `gql-${address}` },
    );
    expect((await call(keys.a, `/api/users/${graph.data.createUser.id as string}`)).status).toBe(404);
    const { rows } = await db.query(`SELECT id, project_id FROM emails WHERE user_id = $1`, [inB.body.id]);
    expect(rows.map((r) => r.project_id as string)).toEqual([projects.b]);
    // Both welcome mails go out, each to its own user.
    await pollUntil(
      async () => sink.received.filter((m) => m.to.some((t) => t.toLowerCase() === address)).length,
      (n) => n === 2,
      20000,
      'two welcome mails',
    );
  });

  describe('shared routes', () => {
    it('keeps Bull Board for operators: a project key is refused however the path is spelled', async () => {
      const paths = ['/api/queues', '/api/queues/api/queues', '/api/%71ueues', '/api/Queues/', '/api/queues/../queues'];
      for (const key of [keys.a, keys.aAdmin]) {
        for (const path of paths) {
          for (const headers of [
            { authorization: `Bearer ${key}` },
            { 'x-api-key': key },
            { authorization: `Basic ${Buffer.from(`${BOARD_USER}:${key}`).toString('base64')}` },
          ]) {
            const res = await fetch(`${stack.base}${path}`, { headers });
            // Refused (401), or no such route (404): never the board.
            expect([path, [401, 404].includes(res.status)]).toEqual([path, true]);
          }
        }
      }
      // The operators' credentials open it.
      expect((await fetch(`${stack.base}/api/queues`, { headers: { 'x-api-key': TEST_API_KEY } })).status).toBe(200);
      const basic = Buffer.from(`${BOARD_USER}:${BOARD_PASSWORD}`).toString('base64');
      expect((await fetch(`${stack.base}/api/queues`, { headers: { authorization: `Basic ${basic}` } })).status).toBe(
        200,
      );
    });

    it("shows in Bull Board's job data only ids", async () => {
      const res = await fetch(`${stack.base}/api/queues/api/queues?activeQueue=emails&status=latest&jobsPerPage=50`, {
        headers: { 'x-api-key': TEST_API_KEY },
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { queues: Array<{ name: string; jobs: Array<{ data: object }> }> };
      const emails = body.queues.find((q) => q.name === 'emails')!;
      expect(emails.jobs.length).toBeGreaterThan(0);
      for (const job of emails.jobs)
        expect(Object.keys(job.data).filter((k) => k !== 'acceptedAt')).toEqual(['emailId']);
      const scrapes = await fetch(`${stack.base}/api/queues/api/queues?activeQueue=scrapes&status=latest`, {
        headers: { 'x-api-key': TEST_API_KEY },
      });
      const scrapeJobs = ((await scrapes.json()) as typeof body).queues.find((q) => q.name === 'scrapes')!.jobs;
      expect(scrapeJobs.map((j) => Object.keys(j.data))).toEqual(scrapeJobs.map(() => ['scrapeId']));
    });

    it('exports metrics with no project name or id', async () => {
      const text = await (await fetch(`${stack.base}/metrics`)).text();
      expect(text).toContain('stevedore_queue_jobs');
      for (const secret of [projects.a, projects.b, projects.aName, projects.bName]) expect(text).not.toContain(secret);
      expect(text).not.toMatch(/project/i);
    });

    it('gives a project key the global queue and worker counts, which name no project and no job', async () => {
      const workers = await call(keys.b, '/api/workers');
      expect(workers.status).toBe(200);
      expect(Object.keys(workers.body.items[0] as object).sort()).toEqual(
        ['active', 'draining', 'failed', 'lastHeartbeat', 'name', 'pid', 'processed', 'requeued', 'startedAt'].sort(),
      );
      const queues = await gql(keys.b, `query { queues { name waiting active completed failed delayed workers } }`);
      expect(queues.data.queues.map((q: { name: string }) => q.name)).toEqual(
        expect.arrayContaining(['test-runs', 'scrapes', 'emails']),
      );
      const health = await fetch(`${stack.base}/api/health/detailed`);
      const text = await health.text();
      for (const id of [projects.a, projects.b, made.scrape, made.email]) expect(text).not.toContain(id);
    });
  });
});
