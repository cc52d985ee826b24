import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { FIVE_STEPS } from '../test/helpers/five-step-run';
import { pollUntil } from '../test/helpers/poll';
import { Stack } from '../test/helpers/stack';
import { LOGIN_PAGE, TestSite, WELCOME_PAGE } from '../test/helpers/test-site';
import { alternate, Figure, median, percentile } from './harness';
import { treePssMiB } from './process-memory';

const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const CONCURRENCY = 2;
const FINAL = ['passed', 'failed', 'error', 'cancelled', 'timed_out'];

/** The README's five-step sign-in test, written as Playwright Test code. */
export const FIVE_STEP_SPEC = `import { test, expect } from '@playwright/test';

test('sign in works', async ({ page }) => {
  await page.goto('/login');
  await page.locator('#email').fill('a@example.com');
  await page.locator("role=button[name='Sign in']").click();
  await expect(page.locator('h1')).toHaveText('Welcome');
  await page.screenshot({ path: test.info().outputPath('signed-in.png'), fullPage: true });
});
`;

const CLI = join(dirname(require.resolve('@playwright/test/package.json')), 'cli.js');

/**
 * The five-step test as a script run, RUNS runs at concurrency 2: through the platform
 * (API, queue, sandboxed Playwright Test on the worker's shared browser, every test and
 * file stored) against what a naive platform pays: the Playwright Test CLI started per
 * run, launching its own browser. Besides: the platform's own overhead per run, the memory
 * a concurrent run adds, and the wall time of the same five steps as a step run.
 */
export async function scriptsBenchmark(
  env: Record<string, string>,
  reps: number,
  databaseUrl: string,
): Promise<Figure[]> {
  const site = await new TestSite({ '/login': LOGIN_PAGE, '/welcome': WELCOME_PAGE }).start();
  const stack = await new Stack({
    ...env,
    ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
    WORKER_CONCURRENCY: String(CONCURRENCY),
    QUEUED_CAPACITY: '1000',
    RUNNING_CAPACITY: '100',
    ARTIFACTS_DIR: '/tmp/stevedore-bench-artifacts',
  }).start();
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const overheads: number[] = [];
  const scriptWalls: number[] = [];
  const pssSamples: number[] = [];
  let baselinePss = 0;
  const executablePath = [process.env.CHROMIUM_PATH, '/usr/bin/chromium'].find((p) => p && existsSync(p));
  try {
    const post = async (body: Record<string, unknown>) => {
      const res = await stack.request('/api/runs', { body });
      if (res.status !== 201) throw new Error(`POST /api/runs answered ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { id: string }).id;
    };
    const allEnded = (ids: string[]) =>
      pollUntil(
        async () =>
          (await db.query(`SELECT count(*)::int AS n FROM runs WHERE id = ANY($1) AND status = ANY($2)`, [ids, FINAL]))
            .rows[0].n as number,
        (n) => n === ids.length,
        600000,
        'all runs ended',
      );
    const walls = async (ids: string[], table: 'run_tests' | 'run_steps') => {
      const { rows } = await db.query(
        `SELECT r.status, extract(epoch FROM r.finished_at - r.started_at) * 1000 AS wall,
                (SELECT coalesce(sum(duration_ms), 0) FROM ${table} t WHERE t.run_id = r.id) AS own
         FROM runs r WHERE r.id = ANY($1)`,
        [ids],
      );
      if (rows.some((r) => r.status !== 'passed'))
        throw new Error(`not every run passed: ${rows.map((r) => r.status).join(',')}`);
      return rows.map((r) => ({ wall: Number(r.wall), own: Number(r.own) }));
    };

    const platform = async () => {
      const started = performance.now();
      const ids = await Promise.all(
        Array.from({ length: RUNS }, (_, i) =>
          post({
            name: `bench script ${i}`,
            baseUrl: site.base,
            script: { files: { 'sign-in.spec.ts': FIVE_STEP_SPEC } },
            options: { trace: 'off' },
          }),
        ),
      );
      const sampler = setInterval(() => {
        if (baselinePss) pssSamples.push(treePssMiB(stack.worker.child.pid!));
      }, 1000);
      await allEnded(ids);
      clearInterval(sampler);
      const perMinute = RUNS / ((performance.now() - started) / 60000);
      const measured = await walls(ids, 'run_tests');
      overheads.push(...measured.map((m) => m.wall - m.own));
      scriptWalls.push(...measured.map((m) => m.wall));
      if (!baselinePss) baselinePss = treePssMiB(stack.worker.child.pid!);
      return perMinute;
    };

    /** One run as a naive platform does it: a folder with the spec, the CLI, its own browser. */
    const cliRun = async () => {
      const dir = await mkdtemp(join(tmpdir(), 'stevedore-bench-cli-'));
      try {
        await writeFile(join(dir, 'sign-in.spec.ts'), FIVE_STEP_SPEC);
        await writeFile(
          join(dir, 'playwright.config.mjs'),
          `export default ${JSON.stringify({
            testDir: dir,
            outputDir: join(dir, 'out'),
            workers: 1,
            reporter: [['json', { outputFile: join(dir, 'results.json') }]],
            use: { baseURL: site.base, trace: 'off', screenshot: 'off', launchOptions: { executablePath } },
          })};`,
        );
        await new Promise<void>((resolve, reject) => {
          const child = spawn(process.execPath, [CLI, 'test', '--config', join(dir, 'playwright.config.mjs')], {
            cwd: dir,
            stdio: 'ignore',
            env: { PATH: process.env.PATH, HOME: dir, CI: '1', NODE_PATH: dirname(dirname(dirname(CLI))) },
          });
          child.once('error', reject);
          child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`the CLI exited ${code}`))));
        });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    };
    const cliPerRun = async () => {
      const started = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next++ < RUNS) await cliRun();
        }),
      );
      return RUNS / ((performance.now() - started) / 60000);
    };

    const samples = await alternate(reps, platform, cliPerRun);

    // The same five steps as a step run, on the same stack, for the wall-time ratio.
    const stepIds = await Promise.all(
      Array.from({ length: RUNS }, (_, i) =>
        post({ name: `bench steps ${i}`, baseUrl: site.base, steps: FIVE_STEPS, options: { trace: 'off' } }),
      ),
    );
    await allEnded(stepIds);
    const stepWalls = (await walls(stepIds, 'run_steps')).map((m) => m.wall);

    const [s, b] = [median(samples.stevedore), median(samples.bare)];
    const counted = overheads.slice(RUNS); // the warm-up's runs are not counted
    const countedWalls = scriptWalls.slice(RUNS);
    return [
      {
        scenario: 'scripts',
        metric: `script runs/min, ${RUNS} × five-step spec, concurrency ${CONCURRENCY} (bare: the Playwright Test CLI per run, own browser)`,
        unit: '1/min',
        stevedore: s,
        bare: b,
        ratio: s / b,
        target: '>= 2',
        samples,
      },
      {
        scenario: 'scripts',
        metric: 'platform overhead per script run p50 (job start to end stored, minus the test’s own duration)',
        unit: 'ms',
        stevedore: percentile(counted, 50),
        bare: 0,
        ratio: 0,
        target: '< 300 ms',
        samples: { stevedore: counted, bare: [] },
      },
      {
        scenario: 'scripts',
        metric: 'platform overhead per script run p95',
        unit: 'ms',
        stevedore: percentile(counted, 95),
        bare: 0,
        ratio: 0,
        target: '',
        samples: { stevedore: [], bare: [] },
      },
      {
        scenario: 'scripts',
        metric: 'wall time of a run, median: the five steps as a script (bare: as a step run)',
        unit: 'ms',
        stevedore: median(countedWalls),
        bare: median(stepWalls),
        ratio: median(countedWalls) / median(stepWalls),
        target: '<= 1.5',
        samples: { stevedore: countedWalls, bare: stepWalls },
      },
      {
        scenario: 'scripts',
        metric: `PSS added per concurrent script run, median of 1 s samples (worker tree incl. sandboxes; warm ${baselinePss.toFixed(0)} MiB)`,
        unit: 'MiB',
        stevedore: (median(pssSamples) - baselinePss) / CONCURRENCY,
        bare: 0,
        ratio: 0,
        target: '',
        samples: { stevedore: pssSamples, bare: [] },
      },
    ];
  } finally {
    await db.end();
    await stack.stop();
    await site.stop();
  }
}
