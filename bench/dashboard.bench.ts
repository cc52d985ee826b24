import { Job, Queue } from 'bullmq';
import { Client } from 'pg';
import type { Browser, BrowserContext } from 'playwright-core';
import { AppProcess } from '../test/helpers/app-process';
import { launchChromium } from '../test/helpers/chromium';
import { freePort } from '../test/helpers/free-port';
import { TEST_API_KEY } from '../test/helpers/test-env';
import { Figure, median, percentile } from './harness';

const STORED_RUNS = Number(process.env.BENCH_DASHBOARD_RUNS ?? 10_000);
const PAGE_LOADS = Number(process.env.BENCH_PAGE_LOADS ?? 10);
const LIST_CALLS = Number(process.env.BENCH_LIST_CALLS ?? 200);
const LIVE_EVENTS = Number(process.env.BENCH_LIVE_EVENTS ?? 50);
const NAME = 'dashboard-bench';

interface Side {
  key: string;
  cookie: string;
}

const figure = (metric: string, unit: string, stevedore: number[], bare: number[], target?: string): Figure => {
  const [s, b] = [median(stevedore), median(bare)];
  return {
    scenario: 'dashboard',
    metric,
    unit,
    stevedore: s,
    bare: b,
    ratio: b ? s / b : 0,
    target,
    samples: { stevedore, bare },
  };
};

/**
 * The dashboard, measured in Chromium against a real API with STORED_RUNS runs stored in
 * the project it signs in to:
 * - the overview's first contentful paint, and the moment its numbers are on screen, beside
 *   the same page for a project with no runs (what the stored rows cost);
 * - a runs list page from the server (GET /api/runs, 25 per page, the first page and one
 *   deep in the cursor, with the session cookie), beside the same query sent straight to
 *   PostgreSQL (what the API adds);
 * - a live change on screen: a step event reported on a queued run's job (what a worker
 *   does when a step ends) until the run page shows the step, beside the same event read
 *   from the same SSE stream by a plain client (what the page adds).
 */
export async function dashboardBenchmark(env: Record<string, string>, databaseUrl: string): Promise<Figure[]> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const api = new AppProcess({
    env: {
      ...env,
      APP_PORT: String(port),
      RATE_LIMIT_PER_SECOND: '0',
      ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
      // No worker runs here: the live run's job must be in BullMQ itself, not waiting in the fair layer.
      FAIR_DISPATCH: 'false',
    },
  });
  const db = new Client({ connectionString: databaseUrl });
  const queue = new Queue('test-runs', { connection: { url: env.REDIS_URL }, prefix: env.QUEUE_PREFIX });
  let browser: Browser | undefined;
  const call = (key: string, path: string, body?: unknown) =>
    fetch(`${base}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const side = async (projectName: string): Promise<Side & { projectId: string }> => {
    const project = (await (await call(TEST_API_KEY, '/api/projects', { name: projectName })).json()) as { id: string };
    const made = (await (
      await call(TEST_API_KEY, `/api/projects/${project.id}/keys`, { name: 'bench', scopes: ['admin'] })
    ).json()) as { key: string };
    const signIn = await fetch(`${base}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: made.key }),
    });
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0];
    return { projectId: project.id, key: made.key, cookie };
  };
  try {
    await Promise.all([db.connect(), api.waitHealthy(`${base}/api/health`)]);
    browser = await launchChromium();
    const tag = Date.now().toString(36);
    const full = await side(`${NAME}-full-${tag}`);
    const empty = await side(`${NAME}-empty-${tag}`);
    // The stored runs: spread over the last day, every outcome, as a busy project has them.
    await db.query(
      `INSERT INTO runs (id, project_id, name, definition, status, created_at, updated_at, started_at, finished_at, duration_ms)
       SELECT gen_random_uuid(), $1, 'stored run ' || n, '{"name":"stored","steps":[]}'::jsonb,
              (ARRAY['passed','passed','passed','failed','error','cancelled','timed_out'])[1 + n % 7],
              t, t, t, t + interval '2 seconds', 2000
         FROM generate_series(1, $2::int) AS n, LATERAL (SELECT now() - (n * interval '86 seconds') AS t) AS at`,
      [full.projectId, STORED_RUNS],
    );

    const context = async (who: Side): Promise<BrowserContext> => {
      const made = await browser!.newContext({ viewport: { width: 1280, height: 800 } });
      await made.addCookies([{ name: 'stv_session', value: who.cookie.split('=')[1], url: base }]);
      return made;
    };
    /** One cold load of the overview: FCP, and when the run counts are on screen. */
    const overview = async (who: Side) => {
      const made = await context(who);
      const page = await made.newPage();
      await page.goto(`${base}/`);
      await page.locator('.cards').waitFor();
      const [fcp, ready] = await page.evaluate(() => {
        const paint = performance.getEntriesByName('first-contentful-paint')[0];
        return [paint?.startTime ?? NaN, performance.now()];
      });
      await made.close();
      return { fcp, ready };
    };
    const loads = {
      full: [] as Array<{ fcp: number; ready: number }>,
      empty: [] as Array<{ fcp: number; ready: number }>,
    };
    await overview(full);
    await overview(empty);
    for (let i = 0; i < PAGE_LOADS; i++) {
      loads.empty.push(await overview(empty));
      loads.full.push(await overview(full));
    }

    // A runs list page from the server, with the session, against the query alone.
    const first = (await (await fetch(`${base}/api/runs?limit=25`, { headers: { cookie: full.cookie } })).json()) as {
      nextCursor: string;
    };
    let deepCursor = first.nextCursor;
    for (let i = 0; i < 40; i++) {
      const page = (await (
        await fetch(`${base}/api/runs?limit=25&cursor=${encodeURIComponent(deepCursor)}`, {
          headers: { cookie: full.cookie },
        })
      ).json()) as { nextCursor: string };
      deepCursor = page.nextCursor;
    }
    const timeList = async (path: string) => {
      const times: number[] = [];
      for (let i = 0; i < LIST_CALLS; i++) {
        const started = performance.now();
        const res = await fetch(`${base}${path}`, { headers: { cookie: full.cookie } });
        await res.arrayBuffer();
        times.push(performance.now() - started);
      }
      return times;
    };
    const timeQuery = async () => {
      const times: number[] = [];
      for (let i = 0; i < LIST_CALLS; i++) {
        const started = performance.now();
        await db.query(`SELECT * FROM runs WHERE project_id = $1 ORDER BY created_at DESC, id DESC LIMIT 26`, [
          full.projectId,
        ]);
        times.push(performance.now() - started);
      }
      return times;
    };
    await timeList('/api/runs?limit=25');
    await timeQuery();
    const listFirst = await timeList('/api/runs?limit=25');
    const listDeep = await timeList(`/api/runs?limit=25&cursor=${encodeURIComponent(deepCursor)}`);
    const listFiltered = await timeList('/api/runs?limit=25&status=failed&name=run%2099');
    const query = await timeQuery();

    // A live change: a step event on a queued run's job (no worker runs here) until it is on screen.
    const res = await call(full.key, '/api/runs', {
      name: 'live bench',
      baseUrl: 'http://127.0.0.1:9',
      steps: [{ action: 'goto', url: '/' }],
    });
    if (res.status !== 201) throw new Error(`POST /api/runs answered ${res.status}: ${await res.text()}`);
    const runId = ((await res.json()) as { id: string }).id;
    const job = await Job.fromId(queue, runId);
    if (!job) throw new Error(`no job for run ${runId}`);
    const made = await context(full);
    const page = await made.newPage();
    await page.goto(`${base}/runs/${runId}`);
    await page.locator('.title-row .status').waitFor();
    // When each step's row first shows (a string: this file is not compiled with the DOM's types).
    await page.evaluate(`(() => {
      const seen = (window.__seen = {});
      new MutationObserver(() => {
        for (const el of document.querySelectorAll('.step .step-index')) {
          const text = el.textContent ?? '';
          if (!(text in seen)) seen[text] = performance.timeOrigin + performance.now();
        }
      }).observe(document.body, { childList: true, subtree: true, characterData: true });
    })()`);
    // The bare side: the same stream, read by a plain client in this process.
    const stream = await fetch(`${base}/api/live?runs=${runId}`, { headers: { cookie: full.cookie } });
    const reader = stream.body!.getReader();
    const bareArrivals = new Map<number, number>();
    let buffer = '';
    void (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        const at = performance.timeOrigin + performance.now();
        buffer += new TextDecoder().decode(value);
        for (const match of buffer.matchAll(/"index":(\d+)/g))
          if (!bareArrivals.has(Number(match[1]))) bareArrivals.set(Number(match[1]), at);
        buffer = buffer.slice(buffer.lastIndexOf('\n'));
      }
    })();
    const onScreen: number[] = [];
    const bare: number[] = [];
    for (let n = 0; n < LIVE_EVENTS; n++) {
      const sent = performance.timeOrigin + performance.now();
      await job.updateProgress({
        type: 'step',
        attempt: 1,
        index: n,
        action: 'goto',
        target: '/',
        status: 'passed',
        durationMs: 1,
        error: null,
        screenshot: null,
      });
      const label = String(n + 1);
      const shown = await page
        .waitForFunction((l) => (globalThis as unknown as { __seen: Record<string, number> }).__seen[l], label, {
          timeout: 5000,
        })
        .then((handle) => handle.jsonValue() as Promise<number>);
      onScreen.push(shown - sent);
      const deadline = Date.now() + 5000;
      while (!bareArrivals.has(n) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
      bare.push((bareArrivals.get(n) ?? NaN) - sent);
    }
    await reader.cancel().catch(() => undefined);
    await made.close();

    return [
      figure(
        `overview first contentful paint, ${STORED_RUNS} runs stored (bare: a project with none)`,
        'ms',
        loads.full.map((l) => l.fcp),
        loads.empty.map((l) => l.fcp),
        '< 1000 ms',
      ),
      figure(
        'overview numbers on screen (same)',
        'ms',
        loads.full.map((l) => l.ready),
        loads.empty.map((l) => l.ready),
      ),
      figure(
        `runs list, first page of 25, p50 (bare: the query alone, ${LIST_CALLS} calls)`,
        'ms',
        [percentile(listFirst, 50)],
        [percentile(query, 50)],
        '< 200 ms',
      ),
      figure(
        'runs list, first page of 25, p95 (same)',
        'ms',
        [percentile(listFirst, 95)],
        [percentile(query, 95)],
        '< 200 ms',
      ),
      figure(
        'runs list, page 42 by cursor, p95 (same)',
        'ms',
        [percentile(listDeep, 95)],
        [percentile(query, 95)],
        '< 200 ms',
      ),
      figure(
        'runs list, status + name filter, p95 (same)',
        'ms',
        [percentile(listFiltered, 95)],
        [percentile(query, 95)],
        '< 200 ms',
      ),
      figure(
        `live step on screen after the worker's event, p50 (bare: the same SSE stream in Node, ${LIVE_EVENTS} events)`,
        'ms',
        [percentile(onScreen, 50)],
        [percentile(bare, 50)],
        '< 250 ms',
      ),
      figure('live step on screen, p95 (same)', 'ms', [percentile(onScreen, 95)], [percentile(bare, 95)], '< 250 ms'),
    ];
  } finally {
    await db.query(`DELETE FROM runs WHERE name LIKE 'stored run %' OR name = 'live bench'`).catch(() => undefined);
    await browser?.close();
    await queue.close();
    await db.end();
    await api.stop();
  }
}
