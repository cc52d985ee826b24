import { HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { json } from './helpers/json';
import { pollUntil } from './helpers/poll';
import { S3RVER_KEY, S3TestServer } from './helpers/s3-server';
import { queueScriptRun, scriptRun, waitRunEnd } from './helpers/script-runs';
import { Stack } from './helpers/stack';
import { baseEnv, TEST_DATABASE_URL } from './helpers/test-env';
import { TestSite } from './helpers/test-site';

/** No text, no font: every run's screenshot of it is the same bytes, so S3 keeps it once. */
const BOX_PAGE = `<!doctype html><title>Box</title><body style="margin:0"><div id="box" style="width:40px;height:40px;background:#c33"></div>`;

interface Artifact {
  name: string;
  url: string;
}

/** A small step run: a screenshot (the same bytes in every run) and a trace (its own bytes). */
const boxRun = (base: string, name: string) => ({
  name,
  baseUrl: base,
  steps: [
    { action: 'goto', url: '/box' },
    { action: 'expectVisible', selector: '#box' },
    { action: 'screenshot', name: 'box' },
  ],
  options: { trace: 'on' },
});

/** Files under a folder, relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

/**
 * ARTIFACT_RETENTION_DAYS with a real API, worker, PostgreSQL, Redis and Chromium, on both
 * stores: runs are backdated in SQL past the window, the worker's sweep (every second here)
 * removes what nothing needs any more, and keeps a suite's runs while one of them is fresh, a
 * schedule's last run, a run an open incident was judged on, and content a fresh run shares.
 */
describe.each(['local', 's3'] as const)('artifact retention (%s store)', (backend) => {
  let s3: S3TestServer | undefined;
  let client: S3Client | undefined;
  let site: TestSite;
  let stack: Stack;
  let dir: string;
  let db: Client;

  beforeAll(async () => {
    if (backend === 's3') {
      s3 = await new S3TestServer().start();
      client = new S3Client({
        region: 'us-east-1',
        endpoint: s3.endpoint,
        forcePathStyle: true,
        credentials: { accessKeyId: S3RVER_KEY, secretAccessKey: S3RVER_KEY },
      });
    }
    site = await new TestSite({ '/box': BOX_PAGE }).start();
    dir = await mkdtemp(join(tmpdir(), `stevedore-retention-${backend}-`));
    db = new Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
    stack = await new Stack(
      baseEnv({
        ARTIFACTS_DIR: dir,
        ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
        ARTIFACT_RETENTION_DAYS: '7',
        ARTIFACT_CLEANUP_INTERVAL_MS: '1000',
        ...s3?.env,
      }),
    ).start();
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await site?.stop();
    await db?.end();
    client?.destroy();
    await s3?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const runOf = async (id: string) => json(await stack.request(`/api/runs/${id}`));
  const download = (artifact: Artifact) => stack.request(artifact.url);
  const storedObjects = async (): Promise<string[]> => {
    if (!client || !s3) return filesUnder(dir);
    const page = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket }));
    return (page.Contents ?? []).map((o) => o.Key!);
  };
  const objectKeysOf = async (runId: string): Promise<Record<string, string>> => {
    const rows = (
      await db.query(
        `SELECT name, COALESCE(object_key, 'runs/' || run_id || '/' || name) AS key FROM run_artifacts
                       WHERE run_id = $1`,
        [runId],
      )
    ).rows as Array<{ name: string; key: string }>;
    return Object.fromEntries(rows.map((r) => [r.name, r.key]));
  };
  const objectThere = async (key: string): Promise<boolean> =>
    client && s3
      ? client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key })).then(
          () => true,
          () => false,
        )
      : (await filesUnder(dir)).includes(key);

  it('removes old runs’ artifacts and keeps what a suite, a schedule, an incident or a fresh run needs', async () => {
    // A schedule that never ticks during the test: its runs are set in SQL below.
    const scheduled = await stack.request('/api/schedules', {
      body: { name: 'yearly', cron: '0 0 1 1 *', run: boxRun(site.base, 'scheduled') },
    });
    expect(scheduled.status).toBe(201);
    const schedule = await json(scheduled);
    const suiteRes = await stack.request('/api/suites', {
      body: { name: 'pair', tests: [boxRun(site.base, 'suite old'), boxRun(site.base, 'suite fresh')] },
    });
    expect(suiteRes.status).toBe(201);
    const suite = await json(suiteRes);
    const [suiteOld, suiteFresh] = (suite.runs as Array<{ id: string }>).map((r) => r.id);
    // A suite schedule: its last ended suite's runs are kept however old (set in SQL below).
    const suiteScheduled = await stack.request('/api/schedules', {
      body: { name: 'yearly suite', cron: '0 0 1 1 *', suite: { name: 'one', tests: [boxRun(site.base, 'x')] } },
    });
    expect(suiteScheduled.status).toBe(201);
    const suiteSchedule = await json(suiteScheduled);
    const lastSuiteRes = await stack.request('/api/suites', {
      body: { name: 'last of a schedule', tests: [boxRun(site.base, 'suite scheduled')] },
    });
    expect(lastSuiteRes.status).toBe(201);
    const lastSuite = await json(lastSuiteRes);
    const started: Record<string, string> = {};
    for (const name of ['old', 'fresh', 'scheduleOlder', 'scheduleLast', 'incident']) {
      const res = await stack.request('/api/runs', { body: boxRun(site.base, name) });
      expect(res.status).toBe(201);
      started[name] = (await json(res)).id;
    }
    // A script run: its HTML report is a folder of files no row lists.
    started.script = await queueScriptRun(
      stack,
      scriptRun(
        `import { test, expect } from '@playwright/test';
         test('box', async ({ page }) => {
           await page.goto('${site.base}/box');
           await expect(page.locator('#box')).toBeVisible();
         });`,
      ),
    );
    const ids: Record<string, string> = { ...started, suiteOld, suiteFresh, suiteScheduled: lastSuite.runs[0].id };
    for (const id of Object.values(ids)) expect((await waitRunEnd(stack, id, 60000)).status).toBe('passed');
    const before: Record<string, Artifact[]> = {};
    for (const [name, id] of Object.entries(ids)) {
      before[name] = (await runOf(id)).artifacts;
      if (name === 'script') continue;
      expect([name, before[name].map((a) => a.name).sort()]).toEqual([name, ['box.png', 'trace.zip']]);
    }
    const oldKeys = await objectKeysOf(ids.old);
    const freshKeys = await objectKeysOf(ids.fresh);
    if (backend === 's3') {
      // The precondition of the shared-content case: the same screenshot is one object.
      expect(oldKeys['box.png']).toBe(freshKeys['box.png']);
      expect(oldKeys['trace.zip']).not.toBe(freshKeys['trace.zip']);
    }
    const scheduleOlderKeys = await objectKeysOf(ids.scheduleOlder);
    expect(before.script.map((a) => a.name)).toContain('junit.xml');
    expect(await storedObjects()).toContain(`runs/${ids.script}/report/report.zip`);
    expect((await stack.request(`/api/runs/${ids.script}/report/`)).status).toBe(200);

    // An open incident of the schedule, judged on one run.
    await db.query(
      `INSERT INTO incidents (id, project_id, schedule_id, kind, state, opened_at, run_ids)
       SELECT $1, project_id, $2, 'failing', 'open', now(), ARRAY[$3::uuid] FROM runs WHERE id = $3`,
      [randomUUID(), schedule.id, ids.incident],
    );
    // Backdated past the 7-day window, in one transaction (the sweep sees all of it or none):
    // two runs of the schedule (the older one is not its last), one an open incident names,
    // one of the suite (whose other run is fresh), the suite schedule's last suite, a script
    // run and one on its own.
    await db.query('BEGIN');
    await db.query(
      `UPDATE runs SET schedule_id = CASE WHEN runs.id = ANY($2::uuid[]) THEN $3::uuid ELSE schedule_id END,
              created_at = now() - interval '1 day' * d.days, finished_at = now() - interval '1 day' * d.days
         FROM (SELECT unnest($1::uuid[]) AS run_id, unnest($4::int[]) AS days) d
        WHERE runs.id = d.run_id`,
      [
        [ids.old, ids.scheduleOlder, ids.scheduleLast, ids.incident, ids.suiteOld, ids.script, ids.suiteScheduled],
        [ids.scheduleOlder, ids.scheduleLast, ids.incident],
        schedule.id,
        [30, 20, 10, 40, 30, 8, 30],
      ],
    );
    await db.query(
      `UPDATE suites SET schedule_id = $2, created_at = now() - interval '30 days', finished_at = now() - interval '30 days'
        WHERE id = $1`,
      [lastSuite.id, suiteSchedule.id],
    );
    await db.query(`UPDATE runs SET schedule_id = $2 WHERE suite_id = $1`, [lastSuite.id, suiteSchedule.id]);
    await db.query('COMMIT');

    const expiredAt = async (id: string) =>
      (await db.query(`SELECT artifacts_expired_at FROM runs WHERE id = $1`, [id])).rows[0]
        .artifacts_expired_at as Date | null;
    await pollUntil(
      async () => [await expiredAt(ids.old), await expiredAt(ids.scheduleOlder), await expiredAt(ids.script)],
      (at) => at.every((a) => a !== null),
      15000,
      'the old runs swept',
    );

    for (const name of ['old', 'scheduleOlder', 'script']) {
      const run = await runOf(ids[name]);
      expect([name, run.artifacts, run.artifactsExpiredAt]).toEqual([name, [], expect.any(String)]);
      for (const artifact of before[name]) {
        const res = await download(artifact);
        expect([name, artifact.name, res.status]).toEqual([name, artifact.name, 410]);
        expect((await json(res)).message).toContain('ARTIFACT_RETENTION_DAYS');
      }
      const rows = await db.query(`SELECT 1 FROM run_artifacts WHERE run_id = $1`, [ids[name]]);
      expect([name, rows.rowCount]).toEqual([name, 0]);
    }
    // Their own objects are gone (the trace; locally, the whole folder) ...
    const objects = await storedObjects();
    expect(objects.filter((key) => key.startsWith(`runs/${ids.old}/`))).toEqual([]);
    // The script run's report folder too: the report answers 410.
    expect(objects.filter((key) => key.startsWith(`runs/${ids.script}/`))).toEqual([]);
    const report = await stack.request(`/api/runs/${ids.script}/report/`);
    expect([report.status, (await json(report)).message]).toEqual([410, expect.stringContaining('were removed on')]);
    expect(await objectThere(oldKeys['trace.zip'])).toBe(false);
    expect(await objectThere(scheduleOlderKeys['trace.zip'])).toBe(false);
    // ... but the screenshot's content, which the fresh run names too, is still there and downloads.
    expect(await objectThere(freshKeys['box.png'])).toBe(true);

    // Everything kept still downloads: the fresh run, the suite's old run, the schedule's last, the incident's.
    for (const name of ['fresh', 'suiteOld', 'suiteFresh', 'scheduleLast', 'incident', 'suiteScheduled']) {
      const run = await runOf(ids[name]);
      expect([name, run.artifactsExpiredAt, run.artifacts.length]).toEqual([name, null, 2]);
      for (const artifact of run.artifacts as Artifact[]) {
        const res = await download(artifact);
        expect([name, artifact.name, res.status]).toEqual([name, artifact.name, 200]);
        await res.arrayBuffer();
      }
    }
    // GraphQL says the same.
    const gql = await stack.graphql(`query($id: ID!) { run(id: $id) { artifactsExpiredAt artifacts { name } } }`, {
      id: ids.old,
    });
    expect([gql.errors, gql.data.run.artifacts, gql.data.run.artifactsExpiredAt]).toEqual([
      undefined,
      [],
      expect.any(String),
    ]);
    // The runs themselves stay, with their steps.
    const old = await runOf(ids.old);
    expect([old.status, old.steps.length]).toEqual(['passed', 3]);
    // The sweep's line in the worker's log, and its counters on the worker's /metrics.
    const swept = stack.worker.output
      .split('\n')
      .filter((line) => line.includes('Artifact sweep: removed the artifacts of') && !line.includes('of 0 runs'));
    expect(swept.length).toBeGreaterThan(0);
    expect(swept.join('\n')).not.toContain(S3RVER_KEY);
    const metrics = await (await fetch(`${stack.workerBase}/metrics`)).text();
    const counter = (name: string) =>
      Number(new RegExp(`^stevedore_artifact_cleanup_${name}_total\\{[^}]*\\} (\\S+)$`, 'm').exec(metrics)?.[1]);
    expect(counter('runs')).toBeGreaterThanOrEqual(3);
    expect(counter('rows')).toBeGreaterThanOrEqual(5);
    expect(counter('objects')).toBeGreaterThan(0);
    expect(counter('bytes')).toBeGreaterThan(0);
    // An unknown artifact of a swept run is gone too (410), a live run's unknown one is not found (404).
    expect((await stack.request(`/api/runs/${ids.old}/artifacts/nothing.png`)).status).toBe(410);
    expect((await stack.request(`/api/runs/${ids.fresh}/artifacts/nothing.png`)).status).toBe(404);
  }, 90_000);
});
