import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { FIVE_STEPS } from '../test/helpers/five-step-run';
import { pollUntil } from '../test/helpers/poll';
import { S3RVER_KEY, S3TestServer } from '../test/helpers/s3-server';
import { Stack } from '../test/helpers/stack';
import { uniquePrefix } from '../test/helpers/test-env';
import { LOGIN_PAGE, TestSite } from '../test/helpers/test-site';
import { Figure, median, percentile } from './harness';

const RUNS = Number(process.env.BENCH_ARTIFACT_RUNS ?? 30);
const FINAL = ['passed', 'failed', 'error', 'cancelled', 'timed_out'];
/** The welcome page shows who signed in, so each run's later screenshots differ (identical bytes are stored once). */
const WELCOME_WHO = `<!doctype html><title>Welcome</title><h1>Welcome</h1><p id="who">signed in</p>
<script>document.getElementById('who').textContent = new URLSearchParams(location.search).get('email');</script>`;

/** The five-step run signing in as run `i`, with a screenshot after every step. */
const fiveSteps = (i: number) =>
  FIVE_STEPS.map((step) => (step.action === 'fill' ? { ...step, value: `run-${i}@example.com` } : step));

/**
 * What one new screenshot costs against s3rver from this process, as the worker stores it:
 * a HEAD (is this content there already?) that misses, then a PUT of about a screenshot's size.
 */
async function roundTrips(s3: S3TestServer, bytes: number): Promise<{ head: number[]; put: number[] }> {
  const client = new S3Client({
    region: 'us-east-1',
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: S3RVER_KEY, secretAccessKey: S3RVER_KEY },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const times = { head: [] as number[], put: [] as number[] };
  try {
    for (let i = 0; i < 60; i++) {
      const key = `bench/${randomBytes(16).toString('hex')}`;
      let started = performance.now();
      await client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key })).catch(() => undefined);
      const head = performance.now() - started;
      started = performance.now();
      await client.send(
        new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: randomBytes(bytes), ContentType: 'image/png' }),
      );
      if (i < 10) continue; // warm-up: connections, signing keys
      times.head.push(head);
      times.put.push(performance.now() - started);
    }
    return times;
  } finally {
    client.destroy();
  }
}

/**
 * The artifact path: the same five-step run (a screenshot after each step, plus the run's
 * own screenshot step) on a stack storing artifacts in a local folder and on one storing
 * them in s3rver, one run at a time, alternating. Duration: the row's created_at (queued)
 * to finished_at (ended), both written before and after every upload.
 */
export async function artifactsBenchmark(env: Record<string, string>, databaseUrl: string): Promise<Figure[]> {
  const site = await new TestSite({ '/login': LOGIN_PAGE, '/welcome': WELCOME_WHO }).start();
  const s3 = await new S3TestServer().start();
  const [localDir, stagingDir] = [
    await mkdtemp(join(tmpdir(), 'stevedore-bench-local-')),
    await mkdtemp(join(tmpdir(), 'stevedore-bench-staging-')),
  ];
  const common = { ...env, ALLOWED_PRIVATE_HOSTS: '127.0.0.1' };
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  let local: Stack | undefined;
  let bucket: Stack | undefined;
  try {
    local = await new Stack({ ...common, QUEUE_PREFIX: uniquePrefix(), ARTIFACTS_DIR: localDir }).start();
    bucket = await new Stack({
      ...common,
      QUEUE_PREFIX: uniquePrefix(),
      ARTIFACTS_DIR: stagingDir,
      ...s3.env,
    }).start();
    let n = 0;
    /** One run, alone on its stack; returns queued → ended in ms and how many files it kept. */
    const run = async (stack: Stack) => {
      const i = n++;
      const res = await stack.request('/api/runs', {
        body: {
          name: `artifacts ${i}`,
          baseUrl: site.base,
          steps: fiveSteps(i),
          options: { trace: 'off', screenshots: 'on' },
        },
      });
      if (res.status !== 201) throw new Error(`POST /api/runs answered ${res.status}: ${await res.text()}`);
      const { id } = (await res.json()) as { id: string };
      await pollUntil(
        async () => (await db.query(`SELECT status FROM runs WHERE id = $1`, [id])).rows[0].status as string,
        (status) => FINAL.includes(status),
        60000,
        'run ended',
      );
      const { rows } = await db.query(
        `SELECT r.status, extract(epoch FROM r.finished_at - r.created_at) * 1000 AS ms,
                (SELECT count(*)::int FROM run_artifacts a WHERE a.run_id = r.id) AS files
         FROM runs r WHERE r.id = $1`,
        [id],
      );
      if (rows[0].status !== 'passed') throw new Error(`run ${id} ended ${rows[0].status}`);
      return { ms: Number(rows[0].ms), files: rows[0].files as number };
    };
    // Warm-up: each worker launches its browser and opens its pools on its first run.
    for (let i = 0; i < 2; i++) {
      await run(local);
      await run(bucket);
    }
    const samples = { local: [] as number[], s3: [] as number[] };
    let files = 0;
    for (let i = 0; i < RUNS; i++) {
      samples.local.push((await run(local)).ms);
      const one = await run(bucket);
      samples.s3.push(one.ms);
      files = one.files;
    }
    const { rows: sizes } = await db.query(
      `SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY size_bytes) AS bytes FROM run_artifacts a
       JOIN runs r ON r.id = a.run_id WHERE r.name LIKE 'artifacts %' AND a.object_key IS NOT NULL`,
    );
    const screenshotBytes = Number(sizes[0]?.bytes ?? 30000);
    const trips = await roundTrips(s3, screenshotBytes);
    const [l50, s50] = [percentile(samples.local, 50), percentile(samples.s3, 50)];
    const [l95, s95] = [percentile(samples.local, 95), percentile(samples.s3, 95)];
    // Each S3 run minus the local run just before it: drift on a shared machine cancels out.
    const paired = samples.s3.map((ms, i) => ms - samples.local[i]);
    const what = `${RUNS} five-step runs one at a time, ${files} screenshots each`;
    return [
      {
        scenario: 'artifacts',
        metric: `run queued → ended p50, ${what}: s3rver on loopback (no network latency to a real bucket) vs local folder`,
        unit: 'ms',
        stevedore: s50,
        bare: l50,
        ratio: s50 / l50,
        target: `S3 - local <= 50 ms (here ${(s50 - l50).toFixed(1)}; paired median ${median(paired).toFixed(1)})`,
        samples: { stevedore: samples.s3, bare: samples.local },
      },
      {
        scenario: 'artifacts',
        metric: `run queued → ended p95, same`,
        unit: 'ms',
        stevedore: s95,
        bare: l95,
        ratio: s95 / l95,
        target: `(S3 - local: ${(s95 - l95).toFixed(1)})`,
        samples: { stevedore: [], bare: [] },
      },
      {
        scenario: 'artifacts',
        metric: `s3rver round trips from the benchmark process, p50: a HEAD that misses / a PUT of ${(screenshotBytes / 1024).toFixed(0)} KB (the median screenshot)`,
        unit: 'ms',
        stevedore: percentile(trips.head, 50),
        bare: percentile(trips.put, 50),
        ratio: 0,
        target: '',
        samples: { stevedore: trips.head, bare: trips.put },
      },
    ];
  } finally {
    await Promise.all([local?.stop(), bucket?.stop()]);
    await db.end();
    await s3.stop();
    await site.stop();
    await rm(localDir, { recursive: true, force: true });
    await rm(stagingDir, { recursive: true, force: true });
  }
}
