import { createHmac } from 'node:crypto';
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
  /** What /check answers; /pattern-<name> answer from a list, one item per request. */
  let check = UP;
  const patterns: Record<string, string[]> = {};
  const served: Record<string, number> = {};

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
          options: { stepTimeoutMs: 500, trace: 'off', screenshots: 'off' },
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
    const pattern = (name: string) => () => {
      const n = (served[name] = (served[name] ?? 0) + 1);
      const list = patterns[name];
      return list[(n - 1) % list.length];
    };
    site = await new TestSite({
      '/check': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(check),
      '/pattern-n3': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(pattern('n3')()),
      '/pattern-flap': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(pattern('flap')()),
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

  it('tells each channel once when a check breaks and once when it recovers; N = 3 and a flapping check stay quiet', async () => {
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

    // Two failures then a pass, over and over: with failAfter 3 nothing ever opens.
    patterns.n3 = [DOWN, DOWN, UP];
    // Up, down, up, down...: one incident; its recovery waits for a cool-down that never comes.
    patterns.flap = [DOWN, UP];
    const n3 = await schedule('never three in a row', '/pattern-n3', { channels: [slack], failAfter: 3 });
    const flap = await schedule('flapping', '/pattern-flap', { channels: [slack], cooldownMs: 60_000 });
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
    // Every channel has had its say (the hook's first delivery took two retries, about 6 s).
    await pollUntil(
      () => notifications(main),
      (list) => list.length === 10 && list.every((n) => n.status === 'delivered' || n.status === 'failed'),
      40_000,
      'every notification settled',
    );
    await Promise.all([main, n3, flap].map(pause));
    await new Promise((resolve) => setTimeout(resolve, 1500));

    // PagerDuty: one trigger, one resolve, one alert (the same dedup_key).
    const pd = receivers.at('/pagerduty').map((r) => r.json as Record<string, unknown>);
    expect(pd.map((e) => e.event_action)).toEqual(['trigger', 'resolve']);
    expect(pd[0].dedup_key).toBe(pd[1].dedup_key);
    expect(pd[0]).toMatchObject({
      routing_key: 'R0UT1NGKEY0123456789abcdef01234',
      payload: { severity: 'critical', source: 'stevedore' },
    });
    // Slack: one readable message each way, with the run's link; nothing from the two quiet schedules but the flap's one alert.
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

    // N = 3: failures came two at a time, never three: no incident, no word.
    const n3Runs = await endedRuns(n3);
    expect(n3Runs.filter((s) => s === 'failed').length).toBeGreaterThanOrEqual(2);
    expect(await incidents(n3)).toEqual([]);
    expect(slackTexts.some((t) => t.includes('never three in a row'))).toBe(false);
    // Flapping: several alternations, one incident, one alert; the recovery waits out its cool-down.
    const flapRuns = await endedRuns(flap);
    expect(flapRuns.filter((s) => s === 'failed').length).toBeGreaterThanOrEqual(2);
    expect(flapRuns.filter((s) => s === 'passed').length).toBeGreaterThanOrEqual(2);
    expect((await incidents(flap)).map((i) => i.state)).toEqual(['recovering']);
    expect(slackTexts.filter((t) => t.includes('flapping'))).toHaveLength(1);
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
