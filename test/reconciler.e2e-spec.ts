import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { AppProcess } from './helpers/app-process';
import { CrawlSite } from './helpers/crawl-site';
import { prepareDatabase } from './helpers/database';
import { freePort } from './helpers/free-port';
import { pollUntil } from './helpers/poll';
import { baseEnv, TEST_DATABASE_URL, TEST_REDIS_URL } from './helpers/test-env';

/** A database of its own: the reconciler owns every row it sees. */
const DATABASE_URL = Object.assign(new URL(TEST_DATABASE_URL), { pathname: '/stevedore_test_reconcile' }).toString();

/**
 * Rows and jobs that disagree, as crashes leave them, mended by a real worker's reconciler:
 * accepted work always reaches an end state.
 */
describe('reconciler', () => {
  const env = baseEnv({ DATABASE_URL, RECONCILE_INTERVAL_MS: '1000', ALLOWED_PRIVATE_HOSTS: 'localhost' });
  let db: Client;
  let site: CrawlSite;
  let worker: AppProcess | undefined;
  let dir: string;

  const statusOf = async (table: string, id: string) =>
    (await db.query(`SELECT * FROM ${table} WHERE id = $1`, [id])).rows[0] as Record<string, unknown>;

  beforeAll(async () => {
    await prepareDatabase(DATABASE_URL, { fresh: true });
    db = new Client({ connectionString: DATABASE_URL });
    await db.connect();
    site = await new CrawlSite({ pages: 5 }).start();
    dir = await mkdtemp(join(tmpdir(), 'stevedore-reconcile-'));
  });

  afterAll(async () => {
    await worker?.stop();
    await db?.end();
    await site?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('re-adds a missing job, resumes a running row whose worker vanished, ends a row whose job failed for good, settles a suite whose flow was lost, and restores a lost schedule', async () => {
    // 1. The API died between storing an email and queueing it.
    const emailId = randomUUID();
    await db.query(
      `INSERT INTO emails (id, project_id, "to", subject, text, updated_at) VALUES ($1, '00000000-0000-4000-8000-000000000001', $2, 'Lost and found', 'hello', now() - interval '1 minute')`,
      [emailId, ['found@example.com']],
    );

    // 2. A crawl was running when its worker died, and its job is gone.
    const scrapeId = randomUUID();
    const request = {
      url: `${site.base}/`,
      mode: 'crawl',
      maxPages: 50,
      maxDepth: 2,
      includePaths: [],
      excludePaths: [],
      render: false,
      respectRobots: true,
      formats: ['markdown'],
      concurrency: 2,
      timeoutMs: 60000,
      priority: 5,
    };
    await db.query(
      `INSERT INTO scrapes (id, project_id, url, mode, request, status, attempt, updated_at) VALUES ($1, '00000000-0000-4000-8000-000000000001', $2, 'crawl', $3, 'running', 1, now() - interval '1 minute')`,
      [scrapeId, request.url, request],
    );

    // 3. A run whose job failed for good outside the processor (stalled too often), row still running.
    const runId = randomUUID();
    await db.query(
      `INSERT INTO runs (id, project_id, name, definition, status, attempt, updated_at) VALUES ($1, '00000000-0000-4000-8000-000000000001', 'stalled', $2, 'running', 2, now() - interval '1 minute')`,
      [runId, { name: 'stalled', steps: [{ action: 'goto', url: 'http://localhost/' }], options: {}, priority: 5 }],
    );
    // 4. A schedule whose job scheduler Redis lost (a flush, a failover without persistence).
    const scheduleId = randomUUID();
    await db.query(
      `INSERT INTO schedules (id, project_id, name, cron, timezone, run) VALUES ($1, '00000000-0000-4000-8000-000000000001', 'yearly', '0 0 1 1 *', 'Europe/Paris', $2)`,
      [scheduleId, { name: 'yearly', steps: [{ action: 'goto', url: 'http://localhost/' }], options: {}, priority: 5 }],
    );

    // 5. A suite whose flow Redis lost: one run ended, one still queued, no jobs at all.
    const suiteId = randomUUID();
    const [doneRunId, queuedRunId] = [randomUUID(), randomUUID()];
    await db.query(
      `INSERT INTO suites (id, project_id, name, status, total, started_at, updated_at) VALUES ($1, '00000000-0000-4000-8000-000000000001', 'lost flow', 'running', 2, now(), now() - interval '1 minute')`,
      [suiteId],
    );
    const quick = {
      name: 'home',
      baseUrl: site.base,
      steps: [{ action: 'goto', url: '/' }],
      options: { timeoutMs: 30000, stepTimeoutMs: 10000, video: false, trace: 'off', screenshots: 'off' },
      priority: 5,
    };
    await db.query(
      `INSERT INTO runs (id, project_id, name, definition, status, suite_id, suite_index, finished_at, updated_at) VALUES
       ($1, '00000000-0000-4000-8000-000000000001', 'home', $3, 'passed', $4, 0, now(), now() - interval '1 minute'), ($2, '00000000-0000-4000-8000-000000000001', 'home', $3, 'queued', $4, 1, NULL, now() - interval '1 minute')`,
      [doneRunId, queuedRunId, quick, suiteId],
    );

    const connection = { url: TEST_REDIS_URL };
    const runs = new Queue('test-runs', { connection, prefix: env.QUEUE_PREFIX });
    await runs.add('run', { runId }, { jobId: runId, attempts: 1 });
    const failer = new Worker(
      'test-runs',
      async () => {
        throw new UnrecoverableError('job stalled more than allowable limit');
      },
      { connection: { ...connection, maxRetriesPerRequest: null }, prefix: env.QUEUE_PREFIX },
    );
    await pollUntil(
      async () => (await runs.getJob(runId))?.getState(),
      (s) => s === 'failed',
      10000,
      'the run job failed',
    );
    await failer.close();
    await runs.close();

    const port = await freePort();
    worker = new AppProcess({ env: { ...env, IS_WORKER: 'true', APP_WORKER_PORT: String(port), ARTIFACTS_DIR: dir } });
    await worker.waitHealthy(`http://127.0.0.1:${port}/api/health`);

    const email = await pollUntil(
      () => statusOf('emails', emailId),
      (e) => e.status === 'sent',
      20000,
      'lost email sent',
    );
    expect(email).toMatchObject({ attempts: 1, message_id: `<${emailId}@stevedore>` });
    expect((await readdir(join(dir, 'mail'))).some((f) => f.includes(emailId))).toBe(true);

    const scrape = await pollUntil(
      () => statusOf('scrapes', scrapeId),
      (s) => s.status !== 'running',
      30000,
      'orphaned crawl ended',
    );
    expect(scrape).toMatchObject({ status: 'completed', attempt: 2 });
    expect(scrape.pages_done).toBeGreaterThan(5);

    const run = await pollUntil(
      () => statusOf('runs', runId),
      (r) => r.status !== 'running',
      20000,
      'run with a dead job ended',
    );
    expect(run).toMatchObject({
      status: 'error',
      error: 'its job failed for good: job stalled more than allowable limit',
    });
    expect(run.finished_at).not.toBeNull();

    // The suite's parent, added again without children, waited for the re-added run, then settled the suite.
    const suite = await pollUntil(
      () => statusOf('suites', suiteId),
      (s) => s.status !== 'running',
      30000,
      'suite with a lost flow ended',
    );
    expect(suite).toMatchObject({ status: 'passed', passed: 2, failed: 0, errored: 0 });
    expect(await statusOf('runs', queuedRunId)).toMatchObject({ status: 'passed', attempt: 1 });

    const schedules = new Queue('schedules', { connection, prefix: env.QUEUE_PREFIX });
    const scheduler = await pollUntil(
      () => schedules.getJobScheduler(scheduleId),
      (s) => s !== undefined,
      10000,
      'job scheduler restored',
    );
    await schedules.close();
    expect(scheduler).toMatchObject({ pattern: '0 0 1 1 *', tz: 'Europe/Paris', template: { data: { scheduleId } } });

    const lines = worker
      .logLines()
      .filter((l) => l.context === 'JobReconciler')
      .map((l) => l.msg);
    expect(lines).toEqual(
      expect.arrayContaining([
        'A queued row had no job: queued it again',
        'A running row had no job: queued it again',
        'A running row outlived its job: ended it',
      ]),
    );
    // Logged right after the scheduler is written: the line may reach the pipe a moment later.
    await pollUntil(
      async () =>
        worker!
          .logLines()
          .some(
            (l) =>
              l.context === 'ScheduleRestorer' && l.msg === 'A schedule had no job scheduler in Redis: restored it',
          ),
      (logged) => logged,
      5000,
      'the restore logged',
    );
  });
});
