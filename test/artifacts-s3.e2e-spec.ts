import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppProcess } from './helpers/app-process';
import { freePort } from './helpers/free-port';
import { json } from './helpers/json';
import { pollUntil } from './helpers/poll';
import { S3RVER_KEY, S3TestServer } from './helpers/s3-server';
import { queueScriptRun, scriptRun, waitRunEnd } from './helpers/script-runs';
import { Stack } from './helpers/stack';
import { Client } from 'pg';
import { baseEnv, TEST_API_KEY, TEST_DATABASE_URL } from './helpers/test-env';
import { TestSite, WELCOME_PAGE } from './helpers/test-site';

const BASIC = `Basic ${Buffer.from(`anyone:${TEST_API_KEY}`).toString('base64')}`;

interface Artifact {
  name: string;
  url: string;
  sizeBytes: number;
}

/** A step run that keeps a screenshot, its trace and its video. */
const stepRun = (base: string, name = 'artifacts in S3') => ({
  name,
  baseUrl: base,
  steps: [
    { action: 'goto', url: '/welcome' },
    { action: 'expectVisible', selector: 'h1' },
    { action: 'screenshot', name: 'welcome' },
  ],
  options: { video: true, trace: 'on' },
});

const bucketClient = (s3: S3TestServer) =>
  new S3Client({
    region: 'us-east-1',
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: S3RVER_KEY, secretAccessKey: S3RVER_KEY },
  });

async function objectBytes(client: S3Client, bucket: string, key: string): Promise<Buffer> {
  const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await object.Body!.transformToByteArray());
}

async function bucketKeys(client: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (page.Contents ?? []).map((object) => object.Key!).sort();
}

/** Files left under a folder, recursively (none expected: uploads remove their staged copies). */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

/**
 * Every artifact of a finished run downloads through `base`, with the bytes of the bucket's
 * object for its content (`blobs/sha256/<hash>`: identical files are stored once).
 */
async function expectArtifactsServed(
  base: string,
  client: S3Client,
  bucket: string,
  run: { id: string; artifacts: Artifact[] },
) {
  for (const artifact of run.artifacts) {
    const res = await fetch(`${base}${artifact.url}`, { headers: { 'x-api-key': TEST_API_KEY } });
    expect([artifact.name, res.status]).toEqual([artifact.name, 200]);
    const body = Buffer.from(await res.arrayBuffer());
    expect([artifact.name, body.length]).toEqual([artifact.name, artifact.sizeBytes]);
    const stored = await objectBytes(client, bucket, `blobs/sha256/${createHash('sha256').update(body).digest('hex')}`);
    expect(body.equals(stored)).toBe(true);
  }
}

/**
 * Artifacts in S3-compatible object storage (s3rver, in process): the worker uploads each
 * file and keeps no copy, the API serves every file (ranges too), the trace viewer and a
 * script run's HTML report, from the bucket.
 */
describe('artifacts in object storage', () => {
  let s3: S3TestServer;
  let site: TestSite;
  let stack: Stack;
  let dir: string;
  let client: S3Client;

  beforeAll(async () => {
    s3 = await new S3TestServer().start();
    client = bucketClient(s3);
    site = await new TestSite({ '/welcome': WELCOME_PAGE }).start();
    dir = await mkdtemp(join(tmpdir(), 'stevedore-s3-staging-'));
    stack = await new Stack(baseEnv({ ARTIFACTS_DIR: dir, ALLOWED_PRIVATE_HOSTS: '127.0.0.1', ...s3.env })).start();
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    await site?.stop();
    client?.destroy();
    await s3?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores a step run’s screenshot, trace and video in the bucket and serves them through the API', async () => {
    const res = await stack.request('/api/runs', { body: stepRun(site.base) });
    expect(res.status).toBe(201);
    const { id } = await json(res);
    const run = await waitRunEnd(stack, id, 60000);
    expect([run.status, run.error]).toEqual(['passed', null]);
    const names = run.artifacts.map((a: Artifact) => a.name).sort();
    expect(names).toEqual(['trace.zip', 'video.webm', 'welcome.png']);
    // Each kept by its content, nothing under the run's own prefix.
    expect(await bucketKeys(client, s3.bucket, `runs/${id}/`)).toEqual([]);
    await expectArtifactsServed(stack.base, client, s3.bucket, run);
    // The worker's folder only staged them: nothing is left there.
    expect(await filesUnder(dir)).toEqual([]);

    // Video seeking: a byte range, and 416 past the end.
    const video = run.artifacts.find((a: Artifact) => a.name === 'video.webm') as Artifact;
    const part = await stack.request(video.url, { headers: { range: 'bytes=0-3' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 0-3/${video.sizeBytes}`);
    expect(Buffer.from(await part.arrayBuffer()).toString('hex')).toBe('1a45dfa3');
    const tail = await stack.request(video.url, { headers: { range: 'bytes=-10' } });
    expect([tail.status, (await tail.arrayBuffer()).byteLength]).toEqual([206, 10]);
    const past = await stack.request(video.url, { headers: { range: `bytes=${video.sizeBytes}-` } });
    expect([past.status, past.headers.get('content-range')]).toEqual([416, `bytes */${video.sizeBytes}`]);

    // The trace viewer's page, and the trace it opens, through the API with Basic auth as a browser sends it.
    const viewer = await fetch(`${stack.base}/api/runs/${id}/trace/index.html`, { headers: { authorization: BASIC } });
    expect(viewer.status).toBe(200);
    expect(await viewer.text()).toContain('<html');
    const trace = await fetch(`${stack.base}/api/runs/${id}/artifacts/trace.zip`, {
      headers: { authorization: BASIC },
    });
    expect(trace.status).toBe(200);
    expect(
      Buffer.from(await trace.arrayBuffer())
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');

    const missing = await stack.request(`/api/runs/${id}/artifacts/nothing.png`);
    expect(missing.status).toBe(404);
  }, 120_000);

  it('serves a script run’s HTML report and its attachments from the bucket', async () => {
    const id = await queueScriptRun(
      stack,
      scriptRun(
        `import { test, expect } from '@playwright/test';
         test('welcome', async ({ page }) => {
           await page.goto('${site.base}/welcome');
           await expect(page.locator('h1')).toBeVisible();
         });`,
        { options: { trace: 'on' } },
      ),
    );
    const run = await waitRunEnd(stack, id, 120000);
    expect([run.status, run.error]).toEqual(['passed', null]);
    const keys = await bucketKeys(client, s3.bucket, `runs/${id}/`);
    expect(keys).toContain(`runs/${id}/report/report.zip`);
    expect(run.artifacts.map((a: Artifact) => a.name)).toContain('junit.xml');
    await expectArtifactsServed(stack.base, client, s3.bucket, run);
    expect(await filesUnder(dir)).toEqual([]);

    const page = await fetch(`${stack.base}/api/runs/${id}/report/`, { headers: { authorization: BASIC } });
    expect(page.status).toBe(200);
    const zip = await objectBytes(client, s3.bucket, `runs/${id}/report/report.zip`);
    expect(await page.text()).toContain(`data:application/zip;base64,${zip.toString('base64')}</template>`);
    const data = keys.filter((key) => key.startsWith(`runs/${id}/report/data/`));
    expect(data.length).toBeGreaterThan(0);
    for (const key of data) {
      const res = await fetch(`${stack.base}/api/runs/${id}/report/data/${key.split('/').pop()}`, {
        headers: { authorization: BASIC },
      });
      expect([key, res.status]).toEqual([key, 200]);
      expect(Buffer.from(await res.arrayBuffer()).equals(await objectBytes(client, s3.bucket, key))).toBe(true);
    }
  }, 180_000);
});

/**
 * As if on three machines: an API and two workers, each with its own ARTIFACTS_DIR, sharing
 * only PostgreSQL, Redis and the bucket. Runs done by either worker download through the API.
 */
describe('artifacts across machines', () => {
  let s3: S3TestServer;
  let site: TestSite;
  let client: S3Client;
  let api: AppProcess;
  const workers: AppProcess[] = [];
  const dirs: string[] = [];
  let base = '';

  const request = (path: string, body?: unknown) =>
    fetch(`${base}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'x-api-key': TEST_API_KEY, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    s3 = await new S3TestServer().start();
    client = bucketClient(s3);
    site = await new TestSite({ '/welcome': WELCOME_PAGE }).start();
    // One queue prefix for the three processes: baseEnv makes a new one on each call.
    const env = baseEnv({ ALLOWED_PRIVATE_HOSTS: '127.0.0.1', WORKER_CONCURRENCY: '1', ...s3.env });
    for (let i = 0; i < 3; i++) dirs.push(await mkdtemp(join(tmpdir(), `stevedore-machine-${i}-`)));
    const apiPort = await freePort();
    base = `http://127.0.0.1:${apiPort}`;
    // This API redirects downloads to the bucket, by a name the workers do not use (`localhost`).
    api = new AppProcess({
      env: {
        ...env,
        APP_PORT: String(apiPort),
        ARTIFACTS_DIR: dirs[0],
        ARTIFACTS_S3_REDIRECT_SECONDS: '60',
        ARTIFACTS_S3_PUBLIC_ENDPOINT: `http://localhost:${s3.port}`,
      },
    });
    const healthy = [api.waitHealthy(`${base}/api/health`)];
    for (const i of [1, 2]) {
      const port = await freePort();
      const worker = new AppProcess({
        env: {
          ...env,
          IS_WORKER: 'true',
          APP_WORKER_PORT: String(port),
          ARTIFACTS_DIR: dirs[i],
          WORKER_NAME: `machine-${i}`,
        },
      });
      workers.push(worker);
      healthy.push(worker.waitHealthy(`http://127.0.0.1:${port}/api/health`));
    }
    await Promise.all(healthy);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([api?.stop(), ...workers.map((w) => w.stop())]);
    await site?.stop();
    client?.destroy();
    await s3?.stop();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  /** Which worker ran it (runs.worker: not in the API's answer). */
  const workerOf = async (id: string): Promise<string> => {
    const db = new Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
    try {
      return ((await db.query('SELECT worker FROM runs WHERE id = $1', [id])).rows[0] as { worker: string }).worker;
    } finally {
      await db.end();
    }
  };

  it('serves every artifact of runs done by either worker, and the trace viewer', async () => {
    const ids: string[] = [];
    const byWorker = new Map<string, string>();
    // Four at a time, until each worker has done at least one (each takes one run at once).
    for (let round = 0; round < 5 && byWorker.size < 2; round++) {
      const batch: string[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await request('/api/runs', stepRun(site.base, `machine run ${round}.${i}`));
        expect(res.status).toBe(201);
        batch.push((await json(res)).id);
      }
      for (const id of batch) {
        const run = await pollUntil(
          async () => json(await request(`/api/runs/${id}`)),
          (r) => ['passed', 'failed', 'error', 'cancelled', 'timed_out'].includes(r.status),
          90000,
          `run ${id} ended`,
        );
        expect([run.status, run.error]).toEqual(['passed', null]);
        byWorker.set(await workerOf(id), id);
        ids.push(id);
      }
    }
    expect([...byWorker.keys()].sort()).toEqual(['machine-1', 'machine-2']);
    for (const id of ids) {
      const run = await json(await request(`/api/runs/${id}`));
      expect(run.artifacts).toHaveLength(3);
      await expectArtifactsServed(base, client, s3.bucket, run);
      const viewer = await fetch(`${base}/api/runs/${id}/trace/index.html`, { headers: { authorization: BASIC } });
      expect(viewer.status).toBe(200);
    }
    // No machine kept a copy: the API's folder never had one, the workers' only staged them.
    for (const dir of dirs) expect(await filesUnder(dir)).toEqual([]);
  }, 600_000);

  it('redirects API clients and downloads to a presigned URL, and streams what pages load', async () => {
    const res = await request('/api/runs', stepRun(site.base, 'redirected downloads'));
    const { id } = await json(res);
    const run = await pollUntil(
      async () => json(await request(`/api/runs/${id}`)),
      (r) => r.status === 'passed',
      90000,
      `run ${id} passed`,
    );
    const video = run.artifacts.find((a: Artifact) => a.name === 'video.webm') as Artifact;
    const url = `${base}${video.url}`;
    const redirect = await fetch(url, { headers: { 'x-api-key': TEST_API_KEY }, redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('cache-control')).toBe('no-store');
    const location = new URL(redirect.headers.get('location')!);
    expect(location.origin).toBe(`http://localhost:${s3.port}`);
    expect(location.searchParams.get('X-Amz-Expires')).toBe('60');
    // The bucket answers the signed URL with the API's headers, and ranges too (video seeking).
    const direct = await fetch(location);
    expect([direct.status, direct.headers.get('content-type')]).toEqual([200, 'video/webm']);
    expect(direct.headers.get('content-disposition')).toContain('video.webm');
    expect((await direct.arrayBuffer()).byteLength).toBe(video.sizeBytes);
    const part = await fetch(location, { headers: { range: 'bytes=0-3' } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer()).toString('hex')).toBe('1a45dfa3');
    // Signed with the bucket's key for the host clients use (s3rver does not check V4 signatures themselves).
    expect(location.searchParams.get('X-Amz-Credential')).toMatch(new RegExp(`^${S3RVER_KEY}/`));
    expect(location.searchParams.get('X-Amz-SignedHeaders')).toBe('host');
    // A browser navigating to the file is redirected too.
    const navigation = await fetch(url, {
      headers: { 'x-api-key': TEST_API_KEY, 'sec-fetch-dest': 'document' },
      redirect: 'manual',
    });
    expect(navigation.status).toBe(302);
    // What the dashboard's pages and the trace viewer load stays on this origin (their CSP).
    for (const dest of ['video', 'image', 'empty']) {
      const streamed = await fetch(url, {
        headers: { 'x-api-key': TEST_API_KEY, 'sec-fetch-dest': dest },
        redirect: 'manual',
      });
      expect([dest, streamed.status]).toEqual([dest, 200]);
      expect((await streamed.arrayBuffer()).byteLength).toBe(video.sizeBytes);
    }
    // Nothing is signed for a run the caller cannot see.
    const unknown = await fetch(`${base}/api/runs/${crypto.randomUUID()}/artifacts/video.webm`, {
      headers: { 'x-api-key': TEST_API_KEY },
      redirect: 'manual',
    });
    expect(unknown.status).toBe(404);
  }, 180_000);
});
