import { Queue, QueueEvents } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { AppProcess } from '../test/helpers/app-process';
import { freePort } from '../test/helpers/free-port';
import { TEST_API_KEY, TEST_REDIS_URL } from '../test/helpers/test-env';
import { BARE_JOBS_TABLE } from './enqueue.bench';
import { alternate, Figure, median, percentile } from './harness';
import { rssMiB } from './process-memory';

const PICKUPS = Number(process.env.BENCH_PICKUPS ?? 200);
const JOBS = Number(process.env.BENCH_PIPELINE_JOBS ?? 2000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Pickup (a job added → a worker starting it), the pipeline (JOBS trivial jobs through the
 * real worker, each writing its row at start and end) and the idle memory of a worker,
 * against a bare BullMQ worker process doing the same work. The platform's trivial job is
 * an email with MAIL_HOST unset: claim the row, render the message, write it as an .eml
 * file, mark it sent; the bare worker does exactly that with `pg` and nodemailer.
 */
export async function pipelineBenchmark(
  env: Record<string, string>,
  reps: number,
  databaseUrl: string,
  nodeArgs: string[] | undefined,
): Promise<Figure[]> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  await db.query(BARE_JOBS_TABLE);
  const dir = mkdtempSync(join(tmpdir(), 'stevedore-bench-pipeline-'));
  const [apiPort, workerPort, barePort] = [await freePort(), await freePort(), await freePort()];
  const appEnv = { ...env, ARTIFACTS_DIR: dir, RECONCILE_INTERVAL_MS: '0', MAIL_HOST: '' };
  const api = new AppProcess({
    env: { ...appEnv, APP_PORT: String(apiPort) },
    logFile: join(dir, 'api.log'),
    nodeArgs,
  });
  const worker = new AppProcess({
    env: { ...appEnv, IS_WORKER: 'true', APP_WORKER_PORT: String(workerPort) },
    logFile: join(dir, 'worker.log'),
    nodeArgs,
  });
  const bare = new AppProcess({
    entry: join(__dirname, 'bare', 'job-worker.ts'),
    env: {
      DATABASE_URL: databaseUrl,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: env.QUEUE_PREFIX,
      PORT: String(barePort),
      ARTIFACTS_DIR: dir,
      CONCURRENCY: '10',
    },
    logFile: join(dir, 'bare.log'),
  });
  const connection = { url: TEST_REDIS_URL };
  const emails = new Queue('emails', { connection, prefix: env.QUEUE_PREFIX });
  const bareJobs = new Queue('bare-jobs', { connection, prefix: env.QUEUE_PREFIX });
  const emailEvents = new QueueEvents('emails', { connection, prefix: env.QUEUE_PREFIX });
  const bareEvents = new QueueEvents('bare-jobs', { connection, prefix: env.QUEUE_PREFIX });
  const clean = async () => {
    await db.query('TRUNCATE emails, bare_jobs');
    await emails.obliterate({ force: true });
    await bareJobs.obliterate({ force: true });
    rmSync(join(dir, 'mail'), { recursive: true, force: true });
    rmSync(join(dir, 'bare-mail'), { recursive: true, force: true });
  };
  try {
    await Promise.all([
      api.waitHealthy(`http://127.0.0.1:${apiPort}/api/health`),
      worker.waitHealthy(`http://127.0.0.1:${workerPort}/api/health`),
      bare.waitHealthy(`http://127.0.0.1:${barePort}/`),
      emailEvents.waitUntilReady(),
      bareEvents.waitUntilReady(),
    ]);
    await sleep(5000);
    const idle = { worker: rssMiB(worker.child.pid!), bare: rssMiB(bare.child.pid!) };
    await clean();

    // Pickup, one job at a time on idle workers.
    const pickups = { stevedore: [] as number[], bare: [] as number[], afterPost: [] as number[] };
    const pickupSamples = await alternate(
      reps,
      async () => {
        const own: number[] = [];
        for (let i = 0; i < PICKUPS; i++) {
          const res = await fetch(`http://127.0.0.1:${apiPort}/api/emails`, {
            method: 'POST',
            headers: { 'x-api-key': TEST_API_KEY, 'content-type': 'application/json' },
            body: JSON.stringify({ to: `pickup-${i}@example.com`, subject: 'pickup', text: 'x' }),
          });
          const returned = Date.now();
          const { id } = (await res.json()) as { id: string };
          const job = (await emails.getJob(id))!;
          await job.waitUntilFinished(emailEvents, 10000);
          const done = (await emails.getJob(id))!;
          own.push(done.processedOn! - done.timestamp);
          pickups.afterPost.push(done.processedOn! - returned);
        }
        pickups.stevedore.push(...own);
        await clean();
        return median(own);
      },
      async () => {
        const own: number[] = [];
        for (let i = 0; i < PICKUPS; i++) {
          const job = await bareJobs.add('noop', {});
          await job.waitUntilFinished(bareEvents, 10000);
          const done = (await bareJobs.getJob(job.id!))!;
          own.push(done.processedOn! - done.timestamp);
        }
        pickups.bare.push(...own);
        await clean();
        return median(own);
      },
    );

    // The pipeline: JOBS rows and jobs made while the queue is paused, then released at once.
    const drain = async (
      queue: Queue,
      insert: (ids: string[]) => Promise<unknown>,
      jobName: string,
      data: (id: string) => object,
      doneSql: string,
    ) => {
      const ids = Array.from({ length: JOBS }, () => randomUUID());
      await insert(ids);
      await queue.pause();
      await queue.addBulk(ids.map((id) => ({ name: jobName, data: data(id), opts: { jobId: id } })));
      const started = performance.now();
      await queue.resume();
      for (;;) {
        const { rows } = await db.query(doneSql, [ids]);
        if (rows[0].n === JOBS) break;
        await sleep(20);
      }
      const rate = JOBS / ((performance.now() - started) / 1000);
      await clean();
      return rate;
    };
    const pipeline = await alternate(
      reps,
      () =>
        drain(
          emails,
          (ids) =>
            db.query(
              `INSERT INTO emails (id, project_id, "to", subject, text) SELECT id, '00000000-0000-4000-8000-000000000001', ARRAY['pipeline@example.com'], 'Bench', repeat('x', 2000) FROM unnest($1::uuid[]) AS id`,
              [ids],
            ),
          'send',
          (id) => ({ emailId: id }),
          `SELECT count(*)::int AS n FROM emails WHERE id = ANY($1) AND status = 'sent'`,
        ),
      () =>
        drain(
          bareJobs,
          (ids) =>
            db.query(
              `INSERT INTO bare_jobs (id, data, status) SELECT id, '{}'::jsonb, 'queued' FROM unnest($1::uuid[]) AS id`,
              [ids],
            ),
          'job',
          (id) => ({ id }),
          `SELECT count(*)::int AS n FROM bare_jobs WHERE id = ANY($1) AND status = 'done'`,
        ),
    );

    const countedS = pickups.stevedore.slice(PICKUPS);
    const countedB = pickups.bare.slice(PICKUPS);
    const afterPost = pickups.afterPost.slice(PICKUPS);
    const [ps, pb] = [median(pipeline.stevedore), median(pipeline.bare)];
    return [
      {
        scenario: 'pickup',
        metric: 'job added → worker starts it, p50',
        unit: 'ms',
        stevedore: percentile(countedS, 50),
        bare: percentile(countedB, 50),
        ratio: 0,
        target: 'within 3 ms of bare',
        samples: pickupSamples,
      },
      {
        scenario: 'pickup',
        metric: 'job added → worker starts it, p99',
        unit: 'ms',
        stevedore: percentile(countedS, 99),
        bare: percentile(countedB, 99),
        ratio: 0,
        target: '',
        samples: { stevedore: [], bare: [] },
      },
      {
        scenario: 'pickup',
        metric: 'POST /api/emails returned → worker starts it, p50 (negative: started before the response arrived)',
        unit: 'ms',
        stevedore: percentile(afterPost, 50),
        bare: 0,
        ratio: 0,
        target: '',
        samples: { stevedore: [], bare: [] },
      },
      {
        scenario: 'pipeline',
        metric: `jobs/s, ${JOBS} trivial jobs (row claimed, .eml written, row ended)`,
        unit: '1/s',
        stevedore: ps,
        bare: pb,
        ratio: ps / pb,
        target: '>= 0.7',
        samples: pipeline,
      },
      {
        scenario: 'idle',
        metric: 'RSS of an idle worker, no browser (bare: the BullMQ worker process)',
        unit: 'MiB',
        stevedore: idle.worker,
        bare: idle.bare,
        ratio: idle.worker / idle.bare,
        target: '< 200 MB',
        samples: { stevedore: [], bare: [] },
      },
    ];
  } finally {
    await Promise.all([emails.close(), bareJobs.close(), emailEvents.close(), bareEvents.close()]);
    await db.end();
    await Promise.all([api.stop(), worker.stop(), bare.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}
