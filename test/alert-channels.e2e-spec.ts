import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { readSse } from './helpers/live-clients';
import { pollUntil } from './helpers/poll';
import { SmtpSink } from './helpers/smtp-sink';
import { Stack } from './helpers/stack';
import { baseEnv, TEST_API_KEY, TEST_DATABASE_URL, TEST_REDIS_URL } from './helpers/test-env';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  raw: string;
  body: Json;
}

/** An HTTP receiver on this machine: records every request; a path's status is chosen by the test. */
class Receiver {
  readonly received: Received[] = [];
  private server?: Server;
  port = 0;

  constructor(private readonly statusOf: (path: string) => number) {}

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const path = req.url ?? '/';
        this.received.push({ path, headers: req.headers, raw, body: raw ? (JSON.parse(raw) as Json) : {} });
        res.writeHead(this.statusOf(path), { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server!.address() as AddressInfo).port;
    return this;
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

interface Project {
  id: string;
  admin: string;
  reader: string;
}

/**
 * Alert channels and the API side of monitors, on a real API and worker: channels made,
 * listed, tested (to receivers on this machine and an SMTP sink) and deleted; their secrets
 * masked in every answer; muting; a schedule's incidents, stats and live incident events;
 * and another project's key answered 404 on every route that names an id.
 */
describe('alert channels and monitors (API)', () => {
  const WEBHOOK_SECRET = 'whsec-monitors-test';
  const sink = new SmtpSink();
  const receiver = new Receiver((path) => (path === '/gone' ? 410 : path === '/pd' ? 202 : 200));
  let stack: Stack;
  let db: Client;
  let a: Project;
  let b: Project;
  const routingKey = `PDKEY${randomBytes(12).toString('hex')}WXYZ`;
  const slackPath = `/services/T0SECRET/B0SECRET/${randomBytes(8).toString('hex')}`;
  /** Every answer body this file got, to look for secrets in. */
  const answers: string[] = [];

  const call = async (key: string, path: string, method = 'GET', body?: unknown) => {
    const res = await fetch(`${stack.base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    answers.push(text);
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Json };
  };
  const gql = async (key: string, query: string, variables: Json = {}) =>
    (await call(key, '/graphql', 'POST', { query, variables })).body;
  const ok = async (key: string, path: string, body: unknown, status = 201): Promise<Json> => {
    const res = await call(key, path, 'POST', body);
    if (res.status !== status) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const makeProject = async (name: string): Promise<Project> => {
    const project = await ok(TEST_API_KEY, '/api/projects', { name: `${name}-${randomUUID().slice(0, 8)}` });
    const admin = await ok(TEST_API_KEY, `/api/projects/${project.id}/keys`, { name: 'admin', scopes: ['admin'] });
    const reader = await ok(TEST_API_KEY, `/api/projects/${project.id}/keys`, { name: 'reader', scopes: ['read'] });
    return { id: project.id, admin: admin.key, reader: reader.key };
  };
  const schedule = (key: string, extra: Json = {}) =>
    ok(key, '/api/schedules', {
      name: `nightly ${randomUUID().slice(0, 6)}`,
      cron: '0 3 * * *',
      run: { name: 'n', steps: [{ action: 'goto', url: `${receiver.base}/page` }] },
      ...extra,
    });

  beforeAll(async () => {
    await sink.start();
    await receiver.start();
    stack = await new Stack(
      baseEnv({
        ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
        WEBHOOK_SECRET,
        MAIL_HOST: '127.0.0.1',
        MAIL_PORT: String(sink.port),
        MAIL_FROM: 'Stevedore <noreply@stevedore.test>',
        // The rows this file writes by hand are for the answers' shapes: no monitor judges them.
        MONITOR_SWEEP_MS: '0',
        EVENTS_HEARTBEAT_MS: '1000',
      }),
    ).start();
    db = new Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
    [a, b] = [await makeProject('alerts-a'), await makeProject('alerts-b')];
  }, 180_000);

  afterAll(async () => {
    await db?.end();
    await stack?.stop();
    await receiver.stop();
    await sink.stop();
  });

  it('stores each type, lists and reads them, with secrets masked', async () => {
    const email = await ok(a.admin, '/api/alert-channels', {
      name: 'On-call email',
      type: 'email',
      to: ['oncall@example.com', 'lead@example.com'],
    });
    expect(email).toEqual({
      id: expect.any(String),
      name: 'On-call email',
      type: 'email',
      target: 'oncall@example.com, lead@example.com',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const webhook = await ok(a.admin, '/api/alert-channels', {
      name: 'hook',
      type: 'webhook',
      url: `${receiver.base}/hook`,
    });
    expect(webhook.target).toBe(`${receiver.base}/hook`);
    const slack = await ok(a.admin, '/api/alert-channels', {
      name: 'slack',
      type: 'slack',
      url: `${receiver.base}${slackPath}`,
    });
    expect(slack.target).toBe(`${receiver.base}/…`);
    const pd = await ok(a.admin, '/api/alert-channels', {
      name: 'pagerduty',
      type: 'pagerduty',
      routingKey,
      url: `${receiver.base}/pd`,
    });
    expect(pd.target).toBe(`routing key …WXYZ at ${receiver.base}`);
    const pdDefault = await ok(a.admin, '/api/alert-channels', { name: 'pd default', type: 'pagerduty', routingKey });
    expect(pdDefault.target).toBe('routing key …WXYZ');

    // Stored as the monitor's delivery reads them.
    const { rows } = await db.query(`SELECT id, config FROM alert_channels WHERE project_id = $1`, [a.id]);
    const config = Object.fromEntries(rows.map((row: Json) => [row.id, row.config]));
    expect(config[email.id]).toEqual({ to: ['oncall@example.com', 'lead@example.com'] });
    expect(config[slack.id]).toEqual({ url: `${receiver.base}${slackPath}` });
    expect(config[pd.id]).toEqual({ routingKey, url: `${receiver.base}/pd` });
    expect(config[pdDefault.id]).toEqual({ routingKey });

    const list = await call(a.reader, '/api/alert-channels?limit=2');
    expect(list.status).toBe(200);
    expect(list.body.items.map((c: Json) => c.name)).toEqual(['pd default', 'pagerduty']);
    const next = await call(a.reader, `/api/alert-channels?limit=10&cursor=${list.body.nextCursor}`);
    expect(next.body).toEqual({ items: expect.any(Array), nextCursor: null });
    expect(next.body.items.map((c: Json) => c.name)).toEqual(['slack', 'hook', 'On-call email']);
    expect((await call(a.reader, `/api/alert-channels/${slack.id}`)).body).toEqual(slack);

    const listed = await gql(a.reader, '{ alertChannels(limit: 10) { items { id name type target } nextCursor } }');
    expect(listed.data.alertChannels.items).toHaveLength(5);
    expect(listed.data.alertChannels.items[0]).toEqual({
      id: pdDefault.id,
      name: 'pd default',
      type: 'pagerduty',
      target: 'routing key …WXYZ',
    });
    // The audit log names the changes, never the secrets.
    const audit = await call(a.admin, '/api/audit?limit=100');
    expect(audit.body.items.filter((e: Json) => e.action === 'alert_channel.created')).toHaveLength(5);
  });

  it('answers 400 naming the field, and 409 for a taken name', async () => {
    const bad = async (body: unknown, problem: RegExp) => {
      const res = await call(a.admin, '/api/alert-channels', 'POST', body);
      expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), 400]);
      expect(JSON.stringify(res.body.message)).toMatch(problem);
    };
    await bad(
      { name: 'x', type: 'sms', to: ['a@example.com'] },
      /type must be one of email, webhook, slack, pagerduty/,
    );
    await bad({ name: 'x', type: 'webhook' }, /url is required for a webhook channel/);
    await bad({ name: 'x', type: 'slack' }, /url is required for a slack channel/);
    await bad({ name: 'x', type: 'pagerduty' }, /routingKey is required for a pagerduty channel/);
    await bad({ name: 'x', type: 'email' }, /to is required for an? email channel/);
    await bad({ name: 'x', type: 'email', to: ['not-an-email'] }, /to\[0\] must be an email address/);
    await bad({ name: 'x', type: 'email', to: [] }, /to must name at least one address/);
    await bad(
      { name: 'x', type: 'email', to: Array.from({ length: 21 }, (_, i) => `p${i}@example.com`) },
      /to may name at most 20 addresses/,
    );
    await bad({ name: 'x', type: 'webhook', url: 'ftp://example.com/x' }, /url must be an http or https URL/);
    await bad({ name: 'x', type: 'webhook', url: `${receiver.base}/x`, to: ['a@example.com'] }, /to is not a field/);
    await bad({ name: '', type: 'webhook', url: `${receiver.base}/x` }, /name must be a non-empty string/);
    await bad({ name: 'x', type: 'webhook', url: `${receiver.base}/x`, extra: 1 }, /property extra should not exist/);
    // The egress rule: a private address not listed in ALLOWED_PRIVATE_HOSTS.
    await bad(
      { name: 'x', type: 'webhook', url: 'http://10.1.2.3/hook' },
      /url is not allowed: 10\.1\.2\.3 is not a public address/,
    );
    await bad({ name: 'x', type: 'slack', url: 'http://169.254.169.254/x' }, /url is not allowed/);
    await bad({ name: 'x', type: 'pagerduty', routingKey, url: 'http://192.168.0.10/x' }, /url is not allowed/);

    const taken = await call(a.admin, '/api/alert-channels', 'POST', {
      name: 'HOOK',
      type: 'webhook',
      url: `${receiver.base}/hook`,
    });
    expect(taken.status).toBe(409);
    expect(taken.body.message).toMatch(/already has an alert channel named HOOK/);
    // Another project may use the name.
    await ok(b.admin, '/api/alert-channels', { name: 'hook', type: 'webhook', url: `${receiver.base}/hook` });
    // A read key may look, not change.
    expect(
      (await call(a.reader, '/api/alert-channels', 'POST', { name: 'r', type: 'email', to: ['r@example.com'] })).status,
    ).toBe(403);
  });

  const channelNamed = async (name: string): Promise<Json> => {
    const list = await call(a.admin, '/api/alert-channels?limit=100');
    return list.body.items.find((c: Json) => c.name === name);
  };

  it('test-sends to each HTTP type in its shape, signed, and reports a 410', async () => {
    const hook = await channelNamed('hook');
    const sent = await call(a.admin, `/api/alert-channels/${hook.id}/test`, 'POST');
    expect(sent).toEqual({ status: 200, body: { delivered: true, statusCode: 200 } });
    const [request] = receiver.at('/hook');
    expect(request.headers['x-stevedore-signature']).toBe(
      `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(request.raw).digest('hex')}`,
    );
    expect(request.headers['x-stevedore-event']).toBe('alert.test');
    expect(request.headers['x-stevedore-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    expect(request.body).toMatchObject({
      event: 'alert.test',
      test: true,
      incident: { id: `stevedore-test-${hook.id}`, kind: 'failing', state: 'open' },
      schedule: { name: expect.stringContaining('hook') },
      summary: expect.stringContaining('nothing is failing'),
    });

    const slack = await channelNamed('slack');
    expect((await call(a.admin, `/api/alert-channels/${slack.id}/test`, 'POST')).body).toEqual({
      delivered: true,
      statusCode: 200,
    });
    const [slackRequest] = receiver.at(slackPath);
    expect(Object.keys(slackRequest.body)).toEqual(['text']);
    expect(slackRequest.body.text).toMatch(/^:red_circle: \*FAILING\* .*slack.*nothing is failing/);

    const pd = await channelNamed('pagerduty');
    expect((await call(a.admin, `/api/alert-channels/${pd.id}/test`, 'POST')).body).toEqual({
      delivered: true,
      statusCode: 202,
    });
    const [pdRequest] = receiver.at('/pd');
    expect(pdRequest.body).toMatchObject({
      routing_key: routingKey,
      event_action: 'trigger',
      dedup_key: `stevedore-test-${pd.id}`,
      payload: { source: 'stevedore', severity: 'critical', summary: expect.any(String) },
    });

    const gone = await ok(a.admin, '/api/alert-channels', {
      name: 'gone',
      type: 'webhook',
      url: `${receiver.base}/gone`,
    });
    const refused = await call(a.admin, `/api/alert-channels/${gone.id}/test`, 'POST');
    expect(refused).toEqual({
      status: 200,
      body: { delivered: false, statusCode: 410, error: expect.stringMatching(/HTTP 410/) },
    });
    const viaGraphql = await gql(
      a.admin,
      `mutation ($id: ID!) { testAlertChannel(id: $id) { delivered statusCode error } }`,
      {
        id: gone.id,
      },
    );
    expect(viaGraphql.data.testAlertChannel).toEqual({ delivered: false, statusCode: 410, error: expect.any(String) });
  });

  it('test-sends an email through the emails queue to the SMTP sink', async () => {
    const email = await channelNamed('On-call email');
    const sent = await call(a.admin, `/api/alert-channels/${email.id}/test`, 'POST');
    expect(sent).toEqual({ status: 200, body: { delivered: true, emailId: expect.any(String) } });
    const mails = await pollUntil(
      async () => sink.to('oncall@example.com'),
      (m) => m.length > 0,
      20_000,
      'test alert email',
    );
    expect(mails).toHaveLength(1);
    // The subject is [FAILING] <what>, MIME-encoded; the body says it is a test.
    expect(mails[0].raw).toMatch(/^Subject: .*5BFAILING=5D_Stevedore_test/m);
    expect(mails[0].raw).toContain('nothing is failing');
    expect(sink.to('lead@example.com')).toHaveLength(1);
    const stored = await pollUntil(
      async () => (await call(a.admin, `/api/emails/${sent.body.emailId}`)).body,
      (email) => email.status === 'sent',
      10_000,
      'the test email sent',
    );
    expect(stored).toMatchObject({ template: 'incident' });
  });

  it('checks a schedule’s alert channels, and refuses to delete one in use', async () => {
    const hook = await channelNamed('hook');
    const theirs = (await call(b.admin, '/api/alert-channels')).body.items[0];
    const unknown = randomUUID();
    const refused = await call(a.admin, '/api/schedules', 'POST', {
      name: 'alerts of others',
      cron: '0 3 * * *',
      run: { name: 'n', steps: [{ action: 'goto', url: `${receiver.base}/page` }] },
      alerts: { channels: [hook.id, theirs.id, unknown] },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toEqual([
      `alerts.channels: ${theirs.id} is not an alert channel of this project`,
      `alerts.channels: ${unknown} is not an alert channel of this project`,
    ]);

    const watched = await schedule(a.admin, { name: 'watched', alerts: { channels: [hook.id], failAfter: 2 } });
    expect(watched.alerts).toEqual({
      channels: [hook.id],
      failAfter: 2,
      recoverAfter: 1,
      degradedAfterMs: null,
      cooldownMs: 60000,
    });
    const inUse = await call(a.admin, `/api/alert-channels/${hook.id}`, 'DELETE');
    expect(inUse.status).toBe(409);
    expect(inUse.body.message).toContain(`watched (${watched.id})`);

    const gone = await channelNamed('gone');
    expect(await call(a.admin, `/api/alert-channels/${gone.id}`, 'DELETE')).toEqual({ status: 204, body: undefined });
    expect((await call(a.admin, `/api/alert-channels/${gone.id}`)).status).toBe(404);
    const pdDefault = await channelNamed('pd default');
    const deleted = await gql(a.admin, `mutation ($id: ID!) { deleteAlertChannel(id: $id) { id name target } }`, {
      id: pdDefault.id,
    });
    expect(deleted.data.deleteAlertChannel).toEqual({
      id: pdDefault.id,
      name: 'pd default',
      target: 'routing key …WXYZ',
    });
    const audit = await call(a.admin, '/api/audit?limit=100');
    expect(audit.body.items.filter((e: Json) => e.action === 'alert_channel.deleted')).toHaveLength(2);

    const created = await gql(
      a.admin,
      `mutation ($input: CreateAlertChannelInput!) { createAlertChannel(input: $input) { id name type target } }`,
      { input: { name: 'gql slack', type: 'slack', url: `${receiver.base}${slackPath}` } },
    );
    expect(created.data.createAlertChannel).toMatchObject({ type: 'slack', target: `${receiver.base}/…` });
    const invalid = await gql(
      a.admin,
      `mutation ($input: CreateAlertChannelInput!) { createAlertChannel(input: $input) { id } }`,
      { input: { name: 'gql bad', type: 'webhook' } },
    );
    expect(JSON.stringify(invalid.errors)).toMatch(/url is required for a webhook channel/);
  });

  it('mutes and unmutes a schedule', async () => {
    const s = await schedule(a.admin);
    expect(s.mutedUntil).toBeNull();
    const before = Date.now();
    const muted = await call(a.admin, `/api/schedules/${s.id}/mute`, 'POST', { minutes: 90 });
    expect(muted.status).toBe(200);
    const until = Date.parse(muted.body.mutedUntil);
    expect(until).toBeGreaterThanOrEqual(before + 90 * 60_000 - 5_000);
    expect(until).toBeLessThanOrEqual(Date.now() + 90 * 60_000 + 5_000);
    expect((await call(a.admin, `/api/schedules/${s.id}`)).body.mutedUntil).toBe(muted.body.mutedUntil);
    for (const minutes of [0, 43_201, 1.5, '10', undefined])
      expect(
        (await call(a.admin, `/api/schedules/${s.id}/mute`, 'POST', minutes === undefined ? {} : { minutes })).body
          .message,
      ).toEqual(['minutes must be a whole number from 1 to 43200 (30 days)']);
    expect((await call(a.reader, `/api/schedules/${s.id}/mute`, 'POST', { minutes: 5 })).status).toBe(403);

    const unmuted = await call(a.admin, `/api/schedules/${s.id}/mute`, 'DELETE');
    expect([unmuted.status, unmuted.body.mutedUntil]).toEqual([200, null]);
    expect((await call(a.admin, `/api/schedules/${s.id}/mute`, 'DELETE')).body.mutedUntil).toBeNull();

    const viaGraphql = await gql(
      a.admin,
      `mutation ($id: ID!) { muteSchedule(id: $id, minutes: 5) { id mutedUntil } }`,
      {
        id: s.id,
      },
    );
    expect(Date.parse(viaGraphql.data.muteSchedule.mutedUntil)).toBeGreaterThan(Date.now());
    const tooLong = await gql(a.admin, `mutation ($id: ID!) { muteSchedule(id: $id, minutes: 0) { id } }`, {
      id: s.id,
    });
    expect(JSON.stringify(tooLong.errors)).toMatch(/minutes must be a whole number from 1 to 43200/);
    const cleared = await gql(a.admin, `mutation ($id: ID!) { unmuteSchedule(id: $id) { mutedUntil } }`, { id: s.id });
    expect(cleared.data.unmuteSchedule).toEqual({ mutedUntil: null });

    const audit = await call(a.admin, '/api/audit?limit=100');
    const actions = audit.body.items.filter((e: Json) => e.target === s.id).map((e: Json) => e.action);
    expect(actions).toEqual([
      'schedule.unmuted',
      'schedule.muted',
      'schedule.unmuted',
      'schedule.muted',
      'schedule.created',
    ]);
  });

  it('answers incidents and stats: empty at first, then from the rows', async () => {
    const hook = await channelNamed('hook');
    const s = await schedule(a.admin, { alerts: { channels: [hook.id] } });
    expect(await call(a.reader, `/api/schedules/${s.id}/incidents`)).toEqual({
      status: 200,
      body: { items: [], nextCursor: null },
    });
    const empty = await call(a.reader, `/api/schedules/${s.id}/stats`);
    expect(empty).toEqual({
      status: 200,
      body: {
        window: '24h',
        from: expect.any(String),
        to: expect.any(String),
        runs: { total: 0, passed: 0, failed: 0, error: 0, timed_out: 0, cancelled: 0 },
        uptimePercent: null,
        durationMs: { p50: null, p95: null },
        incidents: { opened: 0, resolved: 0, open: 0 },
      },
    });
    expect(Date.parse(empty.body.to) - Date.parse(empty.body.from)).toBe(86_400_000);
    const week = await call(a.reader, `/api/schedules/${s.id}/stats?window=7d`);
    expect(Date.parse(week.body.to) - Date.parse(week.body.from)).toBe(7 * 86_400_000);
    for (const query of ['window=1h', 'window=', 'windows=24h'])
      expect((await call(a.reader, `/api/schedules/${s.id}/stats?${query}`)).status).toBe(400);
    expect(JSON.stringify((await call(a.reader, `/api/schedules/${s.id}/stats?window=1h`)).body.message)).toMatch(
      /window must be one of 24h, 7d, 30d/,
    );

    // Runs that ended (as workers record them), and two incidents with a notification each.
    const ago = (ms: number) => new Date(Date.now() - ms);
    const run = async (status: string, durationMs: number | null, endedAgo: number) => {
      const id = randomUUID();
      await db.query(
        `INSERT INTO runs (id, name, definition, status, project_id, schedule_id, finished_at, duration_ms)
         VALUES ($1, 'n', '{}', $2, $3, $4, $5, $6)`,
        [id, status, a.id, s.id, ago(endedAgo), durationMs],
      );
      return id;
    };
    const r1 = await run('passed', 100, 60_000);
    await run('passed', 200, 50_000);
    await run('passed', 300, 40_000);
    const r4 = await run('failed', 400, 30_000);
    await run('cancelled', null, 20_000);
    await run('passed', 1000, 3 * 86_400_000); // outside the 24 h window
    const older = randomUUID();
    const newer = randomUUID();
    await db.query(
      `INSERT INTO incidents (id, project_id, schedule_id, kind, state, opened_at, resolved_at, run_ids, last_error)
       VALUES ($1, $3, $4, 'failing', 'resolved', $5, $6, $7, 'boom'),
              ($2, $3, $4, 'failing', 'open', $8, NULL, $9, 'step 1 failed')`,
      [older, newer, a.id, s.id, ago(3_600_000), ago(3_000_000), [r1], ago(30_000), [r4]],
    );
    const notification = randomUUID();
    await db.query(
      `INSERT INTO alert_notifications (id, project_id, incident_id, channel_id, event, status, attempts, status_code, delivered_at)
       VALUES ($1, $2, $3, $4, 'opened', 'delivered', 1, 200, now())`,
      [notification, a.id, newer, hook.id],
    );

    const stats = await call(a.reader, `/api/schedules/${s.id}/stats?window=24h`);
    expect(stats.body).toMatchObject({
      runs: { total: 5, passed: 3, failed: 1, error: 0, timed_out: 0, cancelled: 1 },
      uptimePercent: 75,
      durationMs: { p50: 250, p95: 385 },
      incidents: { opened: 2, resolved: 1, open: 1 },
    });
    const month = await call(a.reader, `/api/schedules/${s.id}/stats?window=30d`);
    expect(month.body.runs.total).toBe(6);

    const page = await call(a.reader, `/api/schedules/${s.id}/incidents?limit=1`);
    expect(page.body.items).toEqual([
      {
        id: newer,
        kind: 'failing',
        state: 'open',
        openedAt: expect.any(String),
        resolveDueAt: null,
        resolvedAt: null,
        runIds: [r4],
        lastError: 'step 1 failed',
        notifications: [
          {
            id: notification,
            channelId: hook.id,
            channelName: 'hook',
            channelType: 'webhook',
            event: 'opened',
            status: 'delivered',
            attempts: 1,
            statusCode: 200,
            lastError: null,
            deliveredAt: expect.any(String),
            createdAt: expect.any(String),
          },
        ],
      },
    ]);
    const rest = await call(a.reader, `/api/schedules/${s.id}/incidents?cursor=${page.body.nextCursor}`);
    expect(rest.body.items.map((i: Json) => [i.id, i.state, i.notifications])).toEqual([[older, 'resolved', []]]);
    expect(rest.body.nextCursor).toBeNull();

    const viaGraphql = await gql(
      a.reader,
      `query ($id: ID!) {
        scheduleIncidents(id: $id, limit: 5) { items { id state runIds notifications { channelName status } } nextCursor }
        scheduleStats(id: $id, window: "24h") { window uptimePercent runs { total timed_out } durationMs { p50 p95 } incidents { open } }
      }`,
      { id: s.id },
    );
    expect(viaGraphql.data).toEqual({
      scheduleIncidents: {
        items: [
          { id: newer, state: 'open', runIds: [r4], notifications: [{ channelName: 'hook', status: 'delivered' }] },
          { id: older, state: 'resolved', runIds: [r1], notifications: [] },
        ],
        nextCursor: null,
      },
      scheduleStats: {
        window: '24h',
        uptimePercent: 75,
        runs: { total: 5, timed_out: 0 },
        durationMs: { p50: 250, p95: 385 },
        incidents: { open: 1 },
      },
    });
    const badWindow = await gql(a.reader, `query ($id: ID!) { scheduleStats(id: $id, window: "1y") { window } }`, {
      id: s.id,
    });
    expect(JSON.stringify(badWindow.errors)).toMatch(/window must be one of 24h, 7d, 30d/);
  });

  it('streams incident changes live, read fresh, with heartbeats', async () => {
    const s = await schedule(a.admin);
    const stream = await readSse(`${stack.base}/api/schedules/${s.id}/events`, { authorization: `Bearer ${a.reader}` });
    expect([stream.status, stream.contentType]).toEqual([200, 'text/event-stream; charset=utf-8']);
    // A browser's EventSource comes with an event token for the schedule instead of the key.
    const { token } = await ok(a.reader, '/api/events/tokens', { scheduleId: s.id });
    const withToken = await readSse(
      `${stack.base}/api/schedules/${s.id}/events?token=${encodeURIComponent(token)}`,
      {},
    );
    expect(withToken.status).toBe(200);
    const elsewhere = await schedule(a.admin);
    const wrongToken = await readSse(
      `${stack.base}/api/schedules/${elsewhere.id}/events?token=${encodeURIComponent(token)}`,
      {},
    );
    expect(wrongToken.status).toBe(401);

    const publisher = new Redis(TEST_REDIS_URL);
    try {
      const id = randomUUID();
      await db.query(
        `INSERT INTO incidents (id, project_id, schedule_id, kind, state, opened_at, run_ids, last_error)
         VALUES ($1, $2, $3, 'failing', 'open', now(), '{}', 'down')`,
        [id, a.id, s.id],
      );
      const channel = `${stack.env.QUEUE_PREFIX}:incident-events`;
      // Another schedule's change is not this stream's.
      await publisher.publish(channel, JSON.stringify({ scheduleId: elsewhere.id, id, event: 'opened' }));
      await publisher.publish(channel, JSON.stringify({ scheduleId: s.id, id, event: 'opened' }));
      await pollUntil(
        async () => stream.events.length,
        (n) => n >= 1,
        10_000,
        'incident.opened',
      );
      await db.query(`UPDATE incidents SET state = 'resolved', resolved_at = now() WHERE id = $1`, [id]);
      await publisher.publish(channel, JSON.stringify({ scheduleId: s.id, id, event: 'resolved' }));
      await pollUntil(
        async () => stream.events.length,
        (n) => n >= 2,
        10_000,
        'incident.resolved',
      );
      await pollUntil(
        async () => withToken.events.length,
        (n) => n >= 2,
        10_000,
        'events with a token',
      );
      expect(stream.events.map((e) => [e.event, e.data.id, e.data.state])).toEqual([
        ['incident.opened', id, 'open'],
        ['incident.resolved', id, 'resolved'],
      ]);
      expect(stream.events[0].data).toMatchObject({ kind: 'failing', lastError: 'down', notifications: [] });
      await pollUntil(
        async () => stream.comments.length,
        (n) => n >= 1,
        5_000,
        'a heartbeat',
      );
    } finally {
      stream.close();
      withToken.close();
      await publisher.quit();
    }
  });

  it('ends a stream when its key is revoked', async () => {
    const s = await schedule(a.admin);
    const key = await ok(TEST_API_KEY, `/api/projects/${a.id}/keys`, { name: 'watcher', scopes: ['read'] });
    const stream = await readSse(`${stack.base}/api/schedules/${s.id}/events`, { authorization: `Bearer ${key.key}` });
    expect(stream.status).toBe(200);
    expect((await call(TEST_API_KEY, `/api/projects/${a.id}/keys/${key.id}`, 'DELETE')).status).toBe(204);
    await Promise.race([
      stream.finished,
      new Promise((_, reject) => setTimeout(() => reject(new Error('the stream outlived its key')), 10_000)),
    ]);
  });

  it('answers another project’s key 404 on every route that names an id', async () => {
    const hook = await channelNamed('hook');
    const s = await schedule(a.admin);
    const routes: Array<[string, string, unknown?]> = [
      ['GET', `/api/alert-channels/${hook.id}`],
      ['DELETE', `/api/alert-channels/${hook.id}`],
      ['POST', `/api/alert-channels/${hook.id}/test`],
      ['POST', `/api/schedules/${s.id}/mute`, { minutes: 5 }],
      ['DELETE', `/api/schedules/${s.id}/mute`],
      ['GET', `/api/schedules/${s.id}/incidents`],
      ['GET', `/api/schedules/${s.id}/stats`],
      ['GET', `/api/schedules/${s.id}/events`],
    ];
    for (const [method, path, body] of routes) {
      const theirs = await call(b.admin, path, method, body);
      const unknown = await call(b.admin, path.replace(/[0-9a-f-]{36}/, randomUUID()), method, body);
      expect([method, path, theirs.status, unknown.status]).toEqual([method, path, 404, 404]);
      expect(theirs.body.message).toBe(unknown.body.message.replace(/[0-9a-f-]{36}/, path.match(/[0-9a-f-]{36}/)![0]));
    }
    expect((await call(a.admin, `/api/schedules/${s.id}`)).body.mutedUntil).toBeNull();
    expect((await call(a.admin, `/api/alert-channels/${hook.id}`)).status).toBe(200);
    for (const [operation, args] of [
      ['scheduleIncidents', ''],
      ['scheduleStats', ''],
      ['muteSchedule', ', minutes: 5'],
      ['unmuteSchedule', ''],
      ['testAlertChannel', ''],
      ['deleteAlertChannel', ''],
    ]) {
      const id = operation.includes('AlertChannel') ? hook.id : s.id;
      const type = ['scheduleIncidents', 'scheduleStats'].includes(operation) ? 'query' : 'mutation';
      const answer = await gql(b.admin, `${type} ($id: ID!) { ${operation}(id: $id${args}) { __typename } }`, { id });
      expect([operation, answer.errors?.[0]?.extensions?.code]).toEqual([operation, 'NOT_FOUND']);
    }
  });

  it('never shows a routing key or a Slack path in any answer', () => {
    expect(answers.length).toBeGreaterThan(50);
    expect(answers.filter((text) => text.includes(routingKey) || text.includes('T0SECRET'))).toEqual([]);
  });
});
