import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { AppProcess } from './helpers/app-process';
import { freePort } from './helpers/free-port';
import { pollUntil } from './helpers/poll';
import { SmtpSink } from './helpers/smtp-sink';
import { Stack } from './helpers/stack';
import { baseEnv, TEST_API_KEY, TEST_DATABASE_URL } from './helpers/test-env';

/** A Redis of this file's own, so stopping it touches nobody else's. */
class PrivateRedis {
  port = 0;

  async start(): Promise<this> {
    this.port ||= await freePort();
    execFileSync('redis-server', [
      '--port',
      String(this.port),
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'yes',
    ]);
    await pollUntil(
      async () => this.ping(),
      (ok) => ok,
      10000,
      `redis on ${this.port}`,
    );
    return this;
  }

  stop(): void {
    try {
      execFileSync('redis-cli', ['-p', String(this.port), 'shutdown', 'nosave'], { stdio: 'ignore' });
    } catch {
      // already down
    }
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  private async ping(): Promise<boolean> {
    try {
      return (
        execFileSync('redis-cli', ['-p', String(this.port), 'ping'])
          .toString()
          .trim() === 'PONG'
      );
    } catch {
      return false;
    }
  }
}

/** Every route that writes, REST and GraphQL, each carrying `marker` wherever a row would keep it. */
function writes(marker: string): Array<{ what: string; path: string; method?: string; body?: unknown }> {
  const id = randomUUID();
  const run = { name: `${marker} run`, steps: [{ action: 'goto', url: 'http://127.0.0.1:9/' }] };
  const gql = (query: string) => ({ what: `GraphQL ${query.slice(0, 40)}`, path: '/graphql', body: { query } });
  return [
    { what: 'POST /api/runs', path: '/api/runs', body: run },
    {
      what: 'POST /api/emails',
      path: '/api/emails',
      body: { to: [`${marker}-mail@example.com`], subject: marker, text: 'outage' },
    },
    { what: 'POST /api/users', path: '/api/users', body: { email: `${marker}-user@example.com`, name: marker } },
    { what: 'POST /api/scrapes', path: '/api/scrapes', body: { url: `http://127.0.0.1:9/${marker}` } },
    { what: 'POST /api/suites', path: '/api/suites', body: { name: `${marker} suite`, tests: [run] } },
    {
      what: 'POST /api/schedules',
      path: '/api/schedules',
      body: { name: `${marker} schedule`, cron: '0 7 * * *', run },
    },
    { what: 'POST /api/runs/:id/cancel', path: `/api/runs/${id}/cancel`, body: {} },
    { what: 'POST /api/scrapes/:id/cancel', path: `/api/scrapes/${id}/cancel`, body: {} },
    { what: 'POST /api/suites/:id/cancel', path: `/api/suites/${id}/cancel`, body: {} },
    { what: 'DELETE /api/schedules/:id', path: `/api/schedules/${id}`, method: 'DELETE' },
    { what: 'POST /api/dead-letters/:id/replay', path: `/api/dead-letters/${id}/replay`, body: {} },
    gql(
      `mutation { triggerRun(input: { name: "${marker} gql run", steps: [{ action: "goto", url: "http://127.0.0.1:9/" }] }) { id } }`,
    ),
    gql(
      `mutation { sendEmail(input: { to: ["${marker}-gql@example.com"], subject: "${marker}", text: "outage" }) { id } }`,
    ),
    gql(`mutation { createUser(input: { email: "${marker}-gqluser@example.com", name: "${marker}" }) { id } }`),
    gql(`mutation { startScrape(input: { url: "http://127.0.0.1:9/${marker}-gql" }) { id } }`),
    gql(`mutation { cancelRun(id: "${id}") { id } }`),
    gql(`mutation { cancelScrape(id: "${id}") { id } }`),
    gql(`mutation { cancelSuite(id: "${id}") { id } }`),
    gql(`mutation { replayDeadLetter(id: "${id}") { id } }`),
  ];
}

/** Rows anywhere that carry the marker: what a write during the outage would have left behind. */
async function rowsWith(db: Client, marker: string): Promise<Record<string, number>> {
  const like = `%${marker}%`;
  const count = async (sql: string) => Number((await db.query(sql, [like])).rows[0].n);
  return {
    runs: await count(`SELECT count(*) AS n FROM runs WHERE name LIKE $1`),
    emails: await count(
      `SELECT count(*) AS n FROM emails WHERE subject LIKE $1 OR array_to_string("to", ',') LIKE $1 OR variables::text LIKE $1`,
    ),
    users: await count(`SELECT count(*) AS n FROM users WHERE email LIKE $1`),
    scrapes: await count(`SELECT count(*) AS n FROM scrapes WHERE url LIKE $1`),
    suites: await count(`SELECT count(*) AS n FROM suites WHERE name LIKE $1`),
    schedules: await count(`SELECT count(*) AS n FROM schedules WHERE name LIKE $1`),
  };
}

const request = (base: string, write: { path: string; method?: string; body?: unknown }) =>
  fetch(`${base}${write.path}`, {
    method: write.method ?? 'POST',
    headers: { 'x-api-key': TEST_API_KEY, ...(write.body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: write.body === undefined ? undefined : JSON.stringify(write.body),
    // A hang is the failure this file is about: cut it off well before jest's own timeout.
    signal: AbortSignal.timeout(10000),
  });

/** Lines a process printed after `from` (an offset into its output). */
const linesSince = (proc: AppProcess, from: number) =>
  proc.output
    .slice(from)
    .split('\n')
    .filter((line) => line.trim() !== '');

/** Stack.start with more patience: two processes starting on a loaded machine can take a minute. */
async function startStack(env: Record<string, string>): Promise<Stack> {
  const stack = new Stack(env);
  const [apiPort, workerPort] = [await freePort(), await freePort()];
  stack.api = new AppProcess({ env: { ...env, APP_PORT: String(apiPort) } });
  stack.worker = new AppProcess({ env: { ...env, IS_WORKER: 'true', APP_WORKER_PORT: String(workerPort) } });
  stack.base = `http://127.0.0.1:${apiPort}`;
  stack.workerBase = `http://127.0.0.1:${workerPort}`;
  await Promise.all([
    stack.api.waitHealthy(`${stack.base}/api/health`, 120000),
    stack.worker.waitHealthy(`${stack.workerBase}/api/health`, 120000),
  ]);
  return stack;
}

/** A bound that only a hang breaks (the defect was a 15 s wait), not a speed requirement. */
const ANSWERS_WITHOUT_WAITING_MS = 5000;

describe('Redis outages', () => {
  const redis = new PrivateRedis();
  const sink = new SmtpSink();
  let stack: Stack;
  let db: Client;

  beforeAll(async () => {
    await redis.start();
    await sink.start();
    // Valid bodies (private test addresses allowed), so a 503 is the outage's answer, not a 400's.
    stack = await startStack(
      baseEnv({
        REDIS_URL: redis.url,
        ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
        MAIL_HOST: '127.0.0.1',
        MAIL_PORT: String(sink.port),
        MAIL_FROM: 'Stevedore <noreply@stevedore.test>',
      }),
    );
    db = new Client({ connectionString: TEST_DATABASE_URL });
    db.on('error', () => undefined);
    await db.connect();
  }, 180000);

  afterAll(async () => {
    // The client first and whatever happens: a connection left open outlives this file and
    // crashes a later one when PostgreSQL goes away (the faults file stops it).
    await db?.end().catch(() => undefined);
    try {
      await stack?.stop();
    } finally {
      redis.stop();
      await sink.stop();
    }
  });

  it('with Redis stopped, every write is a quick 503 with Retry-After, nothing is stored or sent, and the log says it once', async () => {
    const marker = `outage${randomUUID().slice(0, 8)}`;
    const [apiFrom, workerFrom] = [stack.api.output.length, stack.worker.output.length];
    redis.stop();
    await pollUntil(
      async () => (await fetch(`${stack.base}/api/health`)).status,
      (s) => s === 503,
      15000,
      'health 503',
    );

    for (const write of writes(marker)) {
      const started = Date.now();
      const res = await request(stack.base, write);
      const body = await res.text();
      expect([write.what, res.status]).toEqual([write.what, 503]);
      expect([write.what, res.headers.get('retry-after')]).toEqual([write.what, '5']);
      expect(body).toMatch(/unavailable/i);
      expect(Date.now() - started).toBeLessThan(ANSWERS_WITHOUT_WAITING_MS);
    }
    // Reads that need only the database still answer.
    expect((await stack.request('/api/runs')).status).toBe(200);

    // Let the reconnect loops run for a while: they must not flood the log. A while that
    // also holds a failed beat of the worker's 5 s heartbeat, which a shorter one would miss.
    await new Promise((r) => setTimeout(r, 8000));
    await redis.start();
    await pollUntil(
      async () => stack.api.output.slice(apiFrom),
      (out) => out.includes('Redis is back'),
      20000,
      'API: Redis is back',
    );
    await pollUntil(
      async () => stack.worker.output.slice(workerFrom),
      (out) => out.includes('Redis is back'),
      20000,
      'worker: Redis is back',
    );

    // Nothing outside the JSON format, and a bounded number of lines: the outage, the
    // refused requests, the return.
    const apiLines = linesSince(stack.api, apiFrom);
    const workerLines = linesSince(stack.worker, workerFrom);
    for (const line of [...apiLines, ...workerLines]) expect(() => JSON.parse(line)).not.toThrow();
    const parsed = (lines: string[]) =>
      lines.map((line) => JSON.parse(line) as { msg?: string; failures?: number; res?: { statusCode?: number } });
    const api = parsed(apiLines);
    const worker = parsed(workerLines);
    for (const lines of [api, worker]) {
      expect(lines.filter((l) => /^Redis unavailable/.test(l.msg ?? ''))).toHaveLength(1);
      const back = lines.filter((l) => /^Redis is back/.test(l.msg ?? ''));
      expect(back).toHaveLength(1);
      // The loops did fail over and over in the meantime (the line counts them): more failures
      // than the bounds below allow lines, so a line per failure could not pass.
      expect(back[0].failures).toBeGreaterThan(6);
    }
    const requestLines = api.filter((l) => l.res?.statusCode !== undefined).length;
    expect(api.length - requestLines).toBeLessThanOrEqual(6);
    expect(worker.length).toBeLessThanOrEqual(6);

    // Back: writes work again, and nothing from the outage was kept to run or send later.
    const after = await stack.request('/api/users', { body: { email: `${marker}-after@back.test`, name: 'After' } });
    expect(after.status).toBe(201);
    await pollUntil(
      async () => sink.to(`${marker}-after@back.test`),
      (m) => m.length === 1,
      20000,
      'welcome mail after the outage',
    );
    expect(await rowsWith(db, marker)).toEqual({ runs: 0, emails: 1, users: 1, scrapes: 0, suites: 0, schedules: 0 });
    expect(sink.received.filter((m) => m.to.some((to) => to.includes(marker) && !to.includes('-after@')))).toEqual([]);
  }, 180000);

  it('with a REDIS_URL where nothing answers, the API starts, reports Redis down, and refuses writes at once', async () => {
    const port = await freePort();
    const api = new AppProcess({
      env: { ...stack.env, REDIS_URL: `redis://127.0.0.1:${await freePort()}`, APP_PORT: String(port) },
    });
    try {
      const base = `http://127.0.0.1:${port}`;
      const health = await pollUntil(
        async () =>
          fetch(`${base}/api/health`).then(
            (r) => r.status,
            () => 0,
          ),
        (s) => s !== 0,
        120000,
        'API listening',
      );
      expect(health).toBe(503);
      const marker = `nourl${randomUUID().slice(0, 8)}`;
      for (const write of writes(marker).slice(0, 6)) {
        const started = Date.now();
        const res = await request(base, write);
        expect([write.what, res.status, res.headers.get('retry-after')]).toEqual([write.what, 503, '5']);
        expect(Date.now() - started).toBeLessThan(ANSWERS_WITHOUT_WAITING_MS);
      }
      expect(await rowsWith(db, marker)).toEqual({ runs: 0, emails: 0, users: 0, scrapes: 0, suites: 0, schedules: 0 });
      // One line names the cause; nothing printed outside the JSON log.
      const lines = api.output.split('\n').filter((line) => line.trim() !== '');
      for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
      expect(lines.filter((line) => line.includes('Redis unavailable: connect ECONNREFUSED'))).toHaveLength(1);
    } finally {
      await api.stop();
    }
  }, 180000);
});

describe('refusals for capacity', () => {
  it('counts 429s in stevedore_http_rejected_total and logs a summary instead of a line each', async () => {
    const port = await freePort();
    const env = baseEnv({ QUEUED_CAPACITY: '1', ALLOWED_PRIVATE_HOSTS: '127.0.0.1', APP_PORT: String(port) });
    const api = new AppProcess({ env });
    const base = `http://127.0.0.1:${port}`;
    const db = new Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
    const name = `capacity-${randomUUID().slice(0, 8)}`;
    try {
      await api.waitHealthy(`${base}/api/health`, 120000);
      const post = () =>
        request(base, { path: '/api/runs', body: { name, steps: [{ action: 'goto', url: 'http://127.0.0.1:9/' }] } });
      const statuses: number[] = [];
      // No worker: the first run (if the queue had room) stays queued and every later one is refused.
      for (let i = 0; i < 40; i++) statuses.push((await post()).status);
      const refused = statuses.filter((s) => s === 429).length;
      expect(refused).toBeGreaterThanOrEqual(39);
      expect(statuses.filter((s) => s !== 429 && s !== 201)).toEqual([]);

      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toMatch(
        new RegExp(`^stevedore_http_rejected_total\\{reason="capacity",role="api"\\} ${refused}$`, 'm'),
      );

      const { code } = await api.stop();
      expect(code).toBe(0);
      const lines = api.logLines() as Array<{ msg?: string; refused?: number; res?: { statusCode?: number } }>;
      expect(lines.filter((l) => l.res?.statusCode === 429)).toEqual([]);
      const summaries = lines.filter((l) => /requests refused for capacity/.test(l.msg ?? ''));
      expect(summaries.length).toBeGreaterThanOrEqual(1);
      expect(summaries.length).toBeLessThanOrEqual(2);
      expect(summaries.reduce((sum, l) => sum + (l.refused ?? 0), 0)).toBe(refused);
    } finally {
      await api.stop();
      await db.query(`DELETE FROM runs WHERE name = $1`, [name]);
      await db.end();
    }
  }, 180000);
});
