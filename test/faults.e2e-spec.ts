import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { AppProcess } from './helpers/app-process';
import { freePort } from './helpers/free-port';
import { json } from './helpers/json';
import { pollUntil } from './helpers/poll';
import { SmtpSink } from './helpers/smtp-sink';
import { Stack } from './helpers/stack';
import { baseEnv, TEST_REDIS_URL } from './helpers/test-env';
import { TestSite } from './helpers/test-site';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The machine's own cluster control, as its notes give it (PostgreSQL 15 on Debian). */
async function postgres(action: 'stop' | 'start'): Promise<void> {
  const version = (await run('ls', ['/etc/postgresql'])).stdout.trim().split('\n')[0];
  await run('pg_ctlcluster', [
    '--skip-systemctl-redirect',
    version,
    'main',
    action,
    ...(action === 'stop' ? ['-m', 'fast'] : []),
  ]);
}

/**
 * Faults while work flows, against the real services: Redis connections killed, and
 * PostgreSQL stopped and started again. The processes stay up, health reports the
 * outage and recovers, and every job that got a 2xx reaches an end state.
 */
describe('faults', () => {
  const site = new TestSite({
    // #first after 0.3 s, #second after 4 s: a run is half done for a while.
    '/late': `<!doctype html><title>Late</title><script>
      const add = (id, ms) => setTimeout(() => { const p = document.createElement('p'); p.id = id; p.textContent = id; document.body.append(p); }, ms);
      add('first', 300); add('second', 4000);</script>`,
    '/page': `<!doctype html><title>Steady</title><script>setTimeout(() => { const p = document.createElement('p'); p.id = 'done'; p.textContent = 'ready'; document.body.append(p); }, 500)</script>`,
  });
  // A server that hangs on the first attempt to stall-* addresses, as one can mid-transaction.
  const sink = new SmtpSink();
  let stack: Stack;
  let dir: string;

  /** Posts runs and emails until stopped; keeps the ids that were accepted and the statuses of the rest. */
  function produce() {
    const accepted = { runs: [] as string[], emails: [] as string[] };
    const refused: number[] = [];
    let going = true;
    const definition = {
      name: 'steady',
      baseUrl: site.base,
      steps: [
        { action: 'goto', url: '/page' },
        { action: 'expectText', selector: '#done', text: 'ready' },
      ],
    };
    const loop = (async () => {
      for (let i = 0; going; i++) {
        const post = async (path: string, body: unknown, into: string[]) => {
          const res = await stack.request(path, { body }).catch(() => undefined);
          if (res && res.status < 300) into.push((await json(res)).id as string);
          else refused.push(res?.status ?? 0);
        };
        await post(
          '/api/emails',
          { to: `fault-${i}@example.com`, subject: 'fault', text: 'still here' },
          accepted.emails,
        );
        if (i % 4 === 0) await post('/api/runs', definition, accepted.runs);
        await sleep(100);
      }
    })();
    return { accepted, refused, stop: async () => ((going = false), await loop) };
  }

  /** Every run and email the producer got a 2xx for ended well, and both processes are still up. */
  const everyAcceptedEnded = async ({ runs, emails }: { runs: string[]; emails: string[] }) => {
    const mails = await pollUntil(
      () => statuses('emails', emails),
      allEnded(['sent', 'failed']),
      60000,
      'every email ended',
    );
    expect(mails.every((s) => s === 'sent')).toBe(true);
    const ended = await pollUntil(
      () => statuses('runs', runs),
      allEnded(['passed', 'failed', 'error', 'timed_out', 'cancelled']),
      90000,
      'every run ended',
    );
    expect(ended.every((s) => s === 'passed')).toBe(true);
    expect([stack.api.child.exitCode, stack.worker.child.exitCode]).toEqual([null, null]);
  };
  const statuses = async (kind: 'runs' | 'emails', ids: string[]) =>
    Promise.all(ids.map(async (id) => (await json(await stack.request(`/api/${kind}/${id}`))).status as string));
  const allEnded = (ended: string[]) => (list: string[]) => list.every((s) => ended.includes(s));

  beforeAll(async () => {
    await site.start();
    sink.stall((rcpt, attempt) => rcpt.startsWith('stall-') && attempt === 1);
    await sink.start();
    dir = await mkdtemp(join(tmpdir(), 'stevedore-faults-'));
    // A dead worker's jobs are taken over once their lock lapses: 3 s here, 30 s by default.
    stack = await new Stack(
      baseEnv({
        ARTIFACTS_DIR: dir,
        ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
        WORKER_CONCURRENCY: '2',
        JOB_LOCK_MS: '3000',
        MAIL_HOST: '127.0.0.1',
        MAIL_PORT: String(sink.port),
        MAIL_TIMEOUT_MS: '60000',
      }),
    ).start();
  });

  afterAll(async () => {
    await postgres('start').catch(() => undefined);
    await stack?.stop();
    await sink.stop();
    await site.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('loses nothing when every Redis connection is killed, three times, while jobs flow', async () => {
    const producer = produce();
    const admin = new Redis(TEST_REDIS_URL);
    try {
      for (let i = 0; i < 3; i++) {
        await sleep(1200);
        const kill = (type: string) => admin.call('CLIENT', 'KILL', 'TYPE', type, 'SKIPME', 'yes');
        const killed = Number(await kill('normal')) + Number(await kill('pubsub'));
        expect(killed).toBeGreaterThan(3);
      }
      await sleep(1000);
    } finally {
      await producer.stop();
      admin.disconnect();
    }
    const { accepted, refused } = producer;
    expect(accepted.emails.length).toBeGreaterThan(10);
    expect(refused.filter((s) => s !== 503)).toEqual([]);
    await everyAcceptedEnded(accepted);
    expect((await fetch(`${stack.base}/api/health`)).status).toBe(200);
  });

  it('reports PostgreSQL down while it is, recovers when it is back, and every accepted job still ends', async () => {
    const producer = produce();
    await sleep(1500);
    await postgres('stop');
    try {
      const down = await pollUntil(
        () =>
          fetch(`${stack.base}/api/health`).then(async (r) => ({
            status: r.status,
            body: (await r.json()) as { error: { database: { status: string } } },
          })),
        (h) => h.status === 503,
        10000,
        'API health reports the outage',
      );
      expect(down.body.error.database.status).toBe('down');
      expect((await fetch(`${stack.workerBase}/api/health`)).status).toBe(503);
      await sleep(1500);
    } finally {
      await postgres('start');
    }
    await pollUntil(
      () => fetch(`${stack.base}/api/health`).then((r) => r.status),
      (s) => s === 200,
      30000,
      'API health recovered',
    );
    await pollUntil(
      () => fetch(`${stack.workerBase}/api/health`).then((r) => r.status),
      (s) => s === 200,
      30000,
      'worker health recovered',
    );
    await sleep(1000);
    await producer.stop();

    const { accepted, refused } = producer;
    // While the database was away, requests were refused with a 503, never a 500.
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.filter((s) => s !== 503)).toEqual([]);
    await everyAcceptedEnded(accepted);
  });

  it('a run whose worker is SIGKILLed mid-run is taken over by another worker and ends once, with no duplicated steps', async () => {
    const definition = {
      name: 'half done when killed',
      baseUrl: site.base,
      steps: [
        { action: 'goto', url: '/late' },
        { action: 'waitFor', selector: '#first' },
        { action: 'waitFor', selector: '#second' },
        { action: 'expectText', selector: '#second', text: 'second' },
      ],
      options: { stepTimeoutMs: 10000, trace: 'off' },
    };
    const { id } = await json(await stack.request('/api/runs', { body: definition }));
    const read = async () => json(await stack.request(`/api/runs/${id}`));
    const half = await pollUntil(read, (r) => r.steps.length >= 2, 20000, 'two steps stored');
    const killedWorker = half.worker as string;
    stack.worker.child.kill('SIGKILL');
    await stack.worker.waitExit(5000);

    const port = await freePort();
    stack.worker = new AppProcess({ env: { ...stack.env, IS_WORKER: 'true', APP_WORKER_PORT: String(port) } });
    await stack.worker.waitHealthy(`http://127.0.0.1:${port}/api/health`);
    const ended = await pollUntil(
      read,
      (r) => !['queued', 'running'].includes(r.status),
      40000,
      'taken-over run ended',
    );
    expect(ended).toMatchObject({ status: 'passed', attempt: 2, error: null });
    expect(ended.worker).not.toBe(killedWorker);
    expect((ended.steps as Array<{ index: number; status: string }>).map((st) => [st.index, st.status])).toEqual(
      [0, 1, 2, 3].map((i) => [i, 'passed']),
    );
  });

  it('an email whose worker is SIGKILLed mid-send is sent by another worker, once', async () => {
    const address = `stall-${Date.now()}@example.com`;
    const { id } = await json(
      await stack.request('/api/emails', { body: { to: address, subject: 'Cut off', text: 'once' } }),
    );
    await pollUntil(
      async () => (await json(await stack.request(`/api/emails/${id}`))).status,
      (st) => st === 'sending',
      10000,
      'email sending',
    );
    await sleep(300);
    stack.worker.child.kill('SIGKILL');
    await stack.worker.waitExit(5000);

    const port = await freePort();
    stack.worker = new AppProcess({ env: { ...stack.env, IS_WORKER: 'true', APP_WORKER_PORT: String(port) } });
    await stack.worker.waitHealthy(`http://127.0.0.1:${port}/api/health`);
    const sent = await pollUntil(
      async () => json(await stack.request(`/api/emails/${id}`)),
      (e) => e.status === 'sent' || e.status === 'failed',
      30000,
      'email ended',
    );
    expect(sent).toMatchObject({ status: 'sent', attempts: 2 });
    expect(sink.to(address)).toHaveLength(1);
  });
});
