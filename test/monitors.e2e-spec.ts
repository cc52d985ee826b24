import { createHmac, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { AlertReceivers } from './helpers/alert-receivers';
import { AppProcess } from './helpers/app-process';
import { freePort } from './helpers/free-port';
import { json } from './helpers/json';
import { pollUntil } from './helpers/poll';
import { SmtpSink } from './helpers/smtp-sink';
import { Stack } from './helpers/stack';
import { baseEnv, TEST_DATABASE_URL } from './helpers/test-env';
import { TestSite } from './helpers/test-site';

const SECRET = 'monitor-webhook-secret';
const UP = '<!doctype html><title>Up</title><h1>Up</h1>';
const DOWN = '<!doctype html><title>Down</title><h1>Down</h1>';

/**
 * Monitors end to end: schedules checking a local site every second, real alert receivers
 * (PagerDuty-, Slack- and webhook-shaped HTTP endpoints, an SMTP sink), a real API and
 * worker. The site breaks and recovers; each receiver must hear of it exactly once each way.
 */
describe('monitors and alerts', () => {
  const receivers = new AlertReceivers();
  const sink = new SmtpSink();
  let stack: Stack;
  let site: TestSite;
  let db: Client;
  /** What /check answers. */
  let check = UP;

  const env = () =>
    baseEnv({
      ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
      SCHEDULE_MIN_INTERVAL_MS: '1000',
      MONITOR_SWEEP_MS: '200',
      WEBHOOK_SECRET: SECRET,
      WORKER_CONCURRENCY: '4',
      MAIL_HOST: '127.0.0.1',
      MAIL_PORT: String(sink.port),
      MAIL_FROM: 'Stevedore <alerts@stevedore.test>',
      PUBLIC_URL: 'http://stevedore.test',
    });

  const channel = async (body: Record<string, unknown>): Promise<string> => {
    const res = await stack.request('/api/alert-channels', { body });
    expect([res.status, await res.clone().text()]).toEqual([201, expect.any(String)]);
    return (await json(res)).id as string;
  };
  const schedule = async (name: string, path: string, alerts: Record<string, unknown>): Promise<string> => {
    const res = await stack.request('/api/schedules', {
      body: {
        name,
        cron: '* * * * * *',
        run: {
          name,
          baseUrl: site.base,
          steps: [
            { action: 'goto', url: path },
            { action: 'expectTitle', text: 'Up' },
          ],
          // Long enough that a loaded machine does not fail an Up page by its clock, which would
          // open an incident of its own: Down fails on its title.
          options: { stepTimeoutMs: 3000, trace: 'off', screenshots: 'off' },
        },
        alerts,
      },
    });
    expect([res.status, await res.clone().text()]).toEqual([201, expect.any(String)]);
    return (await json(res)).id as string;
  };
  const pause = (id: string) => stack.request(`/api/schedules/${id}/pause`, { method: 'POST' });
  const endedRuns = async (scheduleId: string) =>
    (
      await db.query(
        `SELECT status FROM runs WHERE schedule_id = $1 AND finished_at IS NOT NULL ORDER BY finished_at, id`,
        [scheduleId],
      )
    ).rows.map((row: { status: string }) => row.status);
  const incidents = async (scheduleId: string) =>
    (await db.query(`SELECT id, state, kind FROM incidents WHERE schedule_id = $1 ORDER BY opened_at`, [scheduleId]))
      .rows as Array<{ id: string; state: string; kind: string }>;
  const notifications = async (scheduleId: string) =>
    (
      await db.query(
        `SELECT n.event, n.status, c.name AS channel FROM alert_notifications n
           JOIN incidents i ON i.id = n.incident_id JOIN alert_channels c ON c.id = n.channel_id
          WHERE i.schedule_id = $1 ORDER BY n.created_at, c.name`,
        [scheduleId],
      )
    ).rows as Array<{ event: string; status: string; channel: string }>;

  beforeAll(async () => {
    await sink.start();
    await receivers.answer('/hook', 500, 500, 200).answer('/gone', 410).start();
    site = await new TestSite({
      '/check': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(check),
      '/kill': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(DOWN),
    }).start();
    stack = await new Stack(env()).start();
    db = new Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await stack?.stop();
    await site?.stop();
    await receivers.stop();
    await sink.stop();
  });

  it('tells each channel once when a check breaks and once when it recovers', async () => {
    const pagerduty = await channel({
      name: 'on-call',
      type: 'pagerduty',
      routingKey: 'R0UT1NGKEY0123456789abcdef01234',
      url: receivers.url('/pagerduty'),
    });
    const slack = await channel({ name: 'team chat', type: 'slack', url: receivers.url('/slack') });
    const hook = await channel({ name: 'signed hook', type: 'webhook', url: receivers.url('/hook') });
    const gone = await channel({ name: 'gone hook', type: 'webhook', url: receivers.url('/gone') });
    const email = await channel({ name: 'qa mail', type: 'email', to: ['qa@example.com'] });

    const main = await schedule('checkout is up', '/check', {
      channels: [pagerduty, slack, hook, gone, email],
      cooldownMs: 0,
    });

    // Up first, then it breaks, then it is back.
    await pollUntil(
      () => endedRuns(main),
      (s) => s.includes('passed'),
      30_000,
      'a passing run',
    );
    check = DOWN;
    await pollUntil(
      () => incidents(main),
      (list) => list.length === 1,
      30_000,
      'an incident opened',
    );
    await pollUntil(
      async () => receivers.at('/pagerduty').length,
      (n) => n === 1,
      10_000,
      'the trigger',
    );
    check = UP;
    await pollUntil(
      async () => (await incidents(main))[0]?.state,
      (state) => state === 'resolved',
      30_000,
      'resolved',
    );
    // No more runs: what follows is about this one incident's word, not the next check's.
    await pause(main);
    // Every channel has had its say (the hook's first delivery took two retries, about 6 s).
    await pollUntil(
      () => notifications(main),
      (list) => list.length === 10 && list.every((n) => n.status === 'delivered' || n.status === 'failed'),
      40_000,
      'every notification settled',
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));

    // PagerDuty: one trigger, one resolve, one alert (the same dedup_key).
    const pd = receivers.at('/pagerduty').map((r) => r.json as Record<string, unknown>);
    expect(pd.map((e) => e.event_action)).toEqual(['trigger', 'resolve']);
    expect(pd[0].dedup_key).toBe(pd[1].dedup_key);
    expect(pd[0]).toMatchObject({
      routing_key: 'R0UT1NGKEY0123456789abcdef01234',
      payload: { severity: 'critical', source: 'stevedore' },
    });
    // Slack: one readable message each way, with the run's link.
    const slackTexts = receivers.at('/slack').map((r) => (r.json as { text: string }).text);
    const mainTexts = slackTexts.filter((t) => t.includes('checkout is up'));
    expect(mainTexts).toHaveLength(2);
    expect(mainTexts[0]).toMatch(
      /FAILING.*checkout is up is failing.*<http:\/\/stevedore\.test\/runs\/[0-9a-f-]{36}\|Open the run>/,
    );
    expect(mainTexts[1]).toMatch(/RESOLVED.*checkout is up has recovered/);
    // The signed webhook: 500, 500, then 200 for the alert; 200 for the recovery. Delivered once each.
    const hooks = receivers.at('/hook');
    expect(hooks.map((r) => r.status)).toEqual([500, 500, 200, 200]);
    const deliveries = new Set(hooks.map((r) => r.headers['x-stevedore-delivery']));
    expect(deliveries.size).toBe(2);
    for (const r of hooks)
      expect(r.headers['x-stevedore-signature']).toBe(
        `sha256=${createHmac('sha256', SECRET).update(r.body).digest('hex')}`,
      );
    expect(hooks.filter((r) => r.status === 200).map((r) => (r.json as { event: string }).event)).toEqual([
      'incident.opened',
      'incident.resolved',
    ]);
    // 410: given up at once, each a dead letter; the incident resolved all the same.
    expect(receivers.at('/gone').map((r) => r.status)).toEqual([410, 410]);
    const letters = await json(await stack.request('/api/dead-letters?queue=alerts&limit=100'));
    expect(letters.items).toHaveLength(2);
    expect(letters.items[0].error).toContain('HTTP 410');
    // Email: one each way.
    await pollUntil(
      async () => sink.received.filter((m) => m.to.includes('qa@example.com')).length,
      (n) => n === 2,
      15_000,
      'two emails',
    );
    const subjects = sink.received
      .filter((m) => m.to.includes('qa@example.com'))
      .map((m) => /^Subject: (.*)$/m.exec(m.raw)?.[1]);
    expect(subjects).toEqual(['[FAILING] checkout is up', '[RESOLVED] checkout is up']);
    // Each run was judged once: the incident lists each of its runs once.
    const [{ run_ids: runIds }] = (await db.query(`SELECT run_ids FROM incidents WHERE schedule_id = $1`, [main])).rows;
    expect(runIds.length).toBeGreaterThanOrEqual(2);
    expect(new Set(runIds).size).toBe(runIds.length);
    // The history lists who was told what and how it went.
    expect((await notifications(main)).map((n) => `${n.event} ${n.channel} ${n.status}`).sort()).toEqual(
      [
        'opened gone hook failed',
        'opened on-call delivered',
        'opened qa mail delivered',
        'opened signed hook delivered',
        'opened team chat delivered',
        'resolved gone hook failed',
        'resolved on-call delivered',
        'resolved qa mail delivered',
        'resolved signed hook delivered',
        'resolved team chat delivered',
      ].sort(),
    );
  });

  it('opens nothing for two failures then a pass when N = 3, and keeps a flapping check to one alert per cool-down', async () => {
    const slack = await channel({ name: 'quiet chat', type: 'slack', url: receivers.url('/quiet') });
    const n3 = await schedule('never three in a row', '/check', { channels: [slack], failAfter: 3 });
    const flap = await schedule('flapping', '/check', { channels: [slack], cooldownMs: 60_000 });
    await Promise.all([n3, flap].map(pause));
    // The outcomes are written into each schedule's history as a worker stores a run's end,
    // in an exact order (real runs a second apart could overlap by a moment and swap).
    const [{ project_id: projectId }] = (await db.query(`SELECT project_id FROM schedules WHERE id = $1`, [n3])).rows;
    // Each outcome a second after the one before, across calls, so each call's runs end after the last call's.
    let second = 0;
    const history = async (scheduleId: string, statuses: string) => {
      const ids: string[] = [];
      for (const letter of statuses) {
        const i = second++;
        const id = randomUUID();
        ids.push(id);
        await db.query(
          `INSERT INTO runs (id, project_id, name, definition, status, schedule_id, started_at, finished_at, duration_ms, error)
           VALUES ($1, $2, 'history', '{}'::jsonb, $3, $4, now(), now() + make_interval(secs => $5), 100, $6)`,
          [id, projectId, letter === 'f' ? 'failed' : 'passed', scheduleId, i, letter === 'f' ? 'expected "Up"' : null],
        );
      }
      // Judged once the monitor's cursor is on the last of them.
      await pollUntil(
        async () =>
          (await db.query(`SELECT cursor_id FROM monitor_states WHERE schedule_id = $1`, [scheduleId])).rows[0]
            ?.cursor_id,
        (cursor) => cursor === ids.at(-1),
        15_000,
        'the history judged',
      );
    };
    await history(n3, 'ffpffpffpff');
    await history(flap, 'fpfpfpfpfp');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // N = 3: never three failures in a row, so no incident and no word.
    expect(await incidents(n3)).toEqual([]);
    // Flapping: ten alternations, one incident, one alert; its recovery waits out a cool-down that never came.
    expect((await incidents(flap)).map((i) => i.state)).toEqual(['recovering']);
    expect((await notifications(flap)).map((n) => `${n.event} ${n.status}`)).toEqual(['opened delivered']);
    const texts = receivers.at('/quiet').map((r) => (r.json as { text: string }).text);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain('flapping is failing');
    // Passes only from here, and the cool-down's end brought forward: one recovery.
    await history(flap, 'ppp');
    await db.query(
      `UPDATE incidents SET resolve_due_at = now() - interval '1 second' WHERE schedule_id = $1 AND state = 'recovering'`,
      [flap],
    );
    await pollUntil(
      async () => receivers.at('/quiet').length,
      (n) => n === 2,
      10_000,
      'the recovery',
    );
    expect((await incidents(flap)).map((i) => i.state)).toEqual(['resolved']);
  });

  it('says nothing of a slow failure that looked at the site before a quicker, later pass', async () => {
    const slack = await channel({ name: 'late chat', type: 'slack', url: receivers.url('/late') });
    const late = await schedule('late failure', '/check', { channels: [slack], cooldownMs: 0 });
    await pause(late);
    const [{ project_id: projectId }] = (await db.query(`SELECT project_id FROM schedules WHERE id = $1`, [late])).rows;
    // Stored as workers store runs' ends, after any real run of the schedule: run A loaded the
    // page at 0 s and failed on its step timeout at 5 s; B and C loaded it at 1 s and 2 s and
    // passed at once. A ends last, but what it saw is older than what B and C saw.
    const runs = [
      { name: 'B', status: 'passed', began: 1, ended: 1.1 },
      { name: 'C', status: 'passed', began: 2, ended: 2.1 },
      { name: 'A', status: 'failed', began: 0, ended: 5 },
    ];
    const ids: string[] = [];
    for (const run of runs) {
      const id = randomUUID();
      ids.push(id);
      await db.query(
        `INSERT INTO runs (id, project_id, name, definition, status, schedule_id, started_at, finished_at, duration_ms, error)
         VALUES ($1, $2, $3, '{}'::jsonb, $4, $5, now() + make_interval(secs => 10 + $6::float8),
                 now() + make_interval(secs => 10 + $7::float8), 100, $8)`,
        [
          id,
          projectId,
          run.name,
          run.status,
          late,
          run.began,
          run.ended,
          run.status === 'failed' ? 'expected "Up"' : null,
        ],
      );
    }
    await pollUntil(
      async () =>
        (await db.query(`SELECT cursor_id FROM monitor_states WHERE schedule_id = $1`, [late])).rows[0]?.cursor_id,
      (cursor) => cursor === ids.at(-1),
      15_000,
      'the three runs judged',
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await incidents(late)).toEqual([]);
    expect(await notifications(late)).toEqual([]);
    expect(receivers.at('/late')).toHaveLength(0);
  });

  it('still tells the channel, once, when the worker dies between the run’s end and the notification', async () => {
    const pagerduty = await channel({
      name: 'on-call 2',
      type: 'pagerduty',
      routingKey: 'R0UT1NGKEY0123456789abcdef99999',
      url: receivers.url('/pd-kill'),
    });
    // The stack's worker leaves; one that runs jobs but never judges runs takes its place.
    await stack.worker.stop();
    const workerEnv = (sweep: string) => ({
      ...stack.env,
      ...env(),
      QUEUE_PREFIX: stack.env.QUEUE_PREFIX,
      IS_WORKER: 'true',
      MONITOR_SWEEP_MS: sweep,
    });
    const port = await freePort();
    const blind = new AppProcess({ env: { ...workerEnv('0'), APP_WORKER_PORT: String(port) } });
    await blind.waitHealthy(`http://127.0.0.1:${port}/api/health`);
    const id = await schedule('dies after the run', '/kill', { channels: [pagerduty], cooldownMs: 0 });
    await pollUntil(
      () => endedRuns(id),
      (s) => s.includes('failed'),
      30_000,
      'a failed run',
    );
    await pause(id);
    blind.child.kill('SIGKILL');
    await blind.waitExit();
    expect(receivers.at('/pd-kill')).toHaveLength(0);
    expect(await incidents(id)).toEqual([]);

    // The next worker judges the run it finds ended and tells PagerDuty, once.
    const nextPort = await freePort();
    const next = new AppProcess({ env: { ...workerEnv('200'), APP_WORKER_PORT: String(nextPort) } });
    try {
      await next.waitHealthy(`http://127.0.0.1:${nextPort}/api/health`);
      await pollUntil(
        async () => receivers.at('/pd-kill').length,
        (n) => n >= 1,
        20_000,
        'the trigger',
      );
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(receivers.at('/pd-kill').map((r) => (r.json as { event_action: string }).event_action)).toEqual([
        'trigger',
      ]);
      expect((await incidents(id)).map((i) => i.state)).toEqual(['open']);
    } finally {
      await next.stop();
    }
  });
});
