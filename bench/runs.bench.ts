import { existsSync } from 'node:fs';
import { Browser, chromium } from 'playwright-core';
import { Client } from 'pg';
import { FIVE_STEPS } from '../test/helpers/five-step-run';
import { pollUntil } from '../test/helpers/poll';
import { Stack } from '../test/helpers/stack';
import { LOGIN_PAGE, TestSite, WELCOME_PAGE } from '../test/helpers/test-site';
import { alternate, Figure, median, percentile } from './harness';
import { cpuMs, ownCpuMs, pidsNamed } from './process-cpu';
import { treePssMiB } from './process-memory';
import { processTree } from '../test/helpers/process-tree';

const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const CONCURRENCY = 2;
const FINAL = ['passed', 'failed', 'error', 'cancelled', 'timed_out'];

const steps = FIVE_STEPS;

/**
 * The 5-step run on a local page, RUNS runs at concurrency 2: through the platform (API,
 * queue, worker with its shared browser and prepared contexts, every step and file stored)
 * against a harness that launches a new browser per run and stores nothing.
 */
export async function runsBenchmark(env: Record<string, string>, reps: number, databaseUrl: string): Promise<Figure[]> {
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
  let baselinePss = 0;
  let peakPss = 0;
  const pssSamples: number[] = [];
  // Where the CPU goes, per run: each side's processes' CPU time over a round, divided by RUNS.
  const treeCpu = (root: number, withRoot = true) =>
    processTree(root)
      .filter((pid) => withRoot || pid !== root)
      .reduce((sum, pid) => sum + cpuMs(pid), 0);
  const storesCpu = () => [...pidsNamed('postgres'), ...pidsNamed('redis-server')].reduce((t, p) => t + cpuMs(p), 0);
  const ownCpu = () => (process.cpuUsage().user + process.cpuUsage().system) / 1000;
  const cpu = { platform: [] as Array<Record<string, number>>, shared: [] as Array<Record<string, number>> };
  const perRun = (before: Record<string, number>, after: Record<string, number>) =>
    Object.fromEntries(Object.keys(after).map((k) => [k, (after[k] - before[k]) / RUNS]));
  try {
    const platform = async () => {
      const readCpu = () => ({
        worker: ownCpuMs(stack.worker.child.pid!),
        Chromium: treeCpu(stack.worker.child.pid!) - ownCpuMs(stack.worker.child.pid!),
        API: cpuMs(stack.api.child.pid!),
        'PostgreSQL + Redis': storesCpu(),
        'benchmark (site, polling)': ownCpu(),
      });
      const cpuBefore = readCpu();
      const started = performance.now();
      const ids = await Promise.all(
        Array.from({ length: RUNS }, async (_, i) => {
          const res = await stack.request('/api/runs', {
            body: { name: `bench ${i}`, baseUrl: site.base, steps, options: { trace: 'off' } },
          });
          if (res.status !== 201) throw new Error(`POST /api/runs answered ${res.status}`);
          return ((await res.json()) as { id: string }).id;
        }),
      );
      const sampler = setInterval(() => {
        const now = treePssMiB(stack.worker.child.pid!);
        peakPss = Math.max(peakPss, now);
        if (baselinePss) pssSamples.push(now); // the warm-up's samples include the browser's start
      }, 1000);
      await pollUntil(
        async () =>
          (await db.query(`SELECT count(*)::int AS n FROM runs WHERE id = ANY($1) AND status = ANY($2)`, [ids, FINAL]))
            .rows[0].n as number,
        (n) => n === RUNS,
        300000,
        'all runs ended',
      );
      clearInterval(sampler);
      const perMinute = RUNS / ((performance.now() - started) / 60000);
      const { rows } = await db.query(
        `SELECT r.status, extract(epoch FROM r.finished_at - r.started_at) * 1000 AS wall, (SELECT coalesce(sum(duration_ms), 0) FROM run_steps s WHERE s.run_id = r.id) AS steps
         FROM runs r WHERE r.id = ANY($1)`,
        [ids],
      );
      if (rows.some((r) => r.status !== 'passed'))
        throw new Error(`not every run passed: ${rows.map((r) => r.status).join(',')}`);
      overheads.push(...rows.map((r) => Number(r.wall) - Number(r.steps)));
      if (!baselinePss) baselinePss = treePssMiB(stack.worker.child.pid!);
      cpu.platform.push(perRun(cpuBefore, readCpu()));
      return perMinute;
    };
    const executablePath = [process.env.CHROMIUM_PATH, '/usr/bin/chromium'].find((p) => p && existsSync(p));
    const args = [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--no-first-run',
    ];
    /** The five steps in a fresh context of `browser`, as the bare harness does them. */
    const fiveSteps = async (browser: Browser) => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${site.base}/login`);
      await page.locator('#email').fill('a@example.com');
      await page.locator("role=button[name='Sign in']").click();
      await page.locator('h1').first().waitFor();
      await page.screenshot({ fullPage: true });
      await context.close();
    };
    const twoAtATime = async (one: () => Promise<void>) => {
      const started = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next++ < RUNS) await one();
        }),
      );
      return RUNS / ((performance.now() - started) / 60000);
    };
    const bare = () =>
      twoAtATime(async () => {
        const browser = await chromium.launch({ executablePath, args });
        await fiveSteps(browser);
        await browser.close();
      });
    // A reference, not a target: one shared browser, a context per run, nothing stored, no guard.
    const sharedRates: number[] = [];
    const shared = async () => {
      const browser = await chromium.launch({ executablePath, args });
      await fiveSteps(browser);
      const readCpu = () => ({
        Chromium: treeCpu(process.pid, false),
        'PostgreSQL + Redis': storesCpu(),
        'benchmark (Playwright client, site)': ownCpu(),
      });
      const cpuBefore = readCpu();
      const rate = await twoAtATime(() => fiveSteps(browser));
      cpu.shared.push(perRun(cpuBefore, readCpu()));
      await browser.close();
      return rate;
    };
    // The idle worker before any run: no browser yet.
    const idlePss = treePssMiB(stack.worker.child.pid!);
    const samples = await alternate(reps, platform, async () => {
      sharedRates.push(await shared());
      return bare();
    });
    const [s, b] = [median(samples.stevedore), median(samples.bare)];
    const counted = overheads.slice(RUNS); // the warm-up's runs are not counted
    const sharedRate = median(sharedRates.slice(1));
    const cpuLine = (rounds: Array<Record<string, number>>) =>
      Object.keys(rounds[0])
        .map((part) => `${part} ${median(rounds.slice(1).map((r) => r[part])).toFixed(0)}`)
        .join(', ');
    return [
      {
        scenario: 'runs',
        metric: `runs/min, ${RUNS} × 5 steps, concurrency ${CONCURRENCY}`,
        unit: '1/min',
        stevedore: s,
        bare: b,
        ratio: s / b,
        target: '>= 2 (vs browser per run)',
        samples,
      },
      {
        scenario: 'runs',
        metric: 'platform overhead per run p50',
        unit: 'ms',
        stevedore: percentile(counted, 50),
        bare: 0,
        ratio: 0,
        target: '< 100 ms',
        samples: { stevedore: counted, bare: [] },
      },
      {
        scenario: 'runs',
        metric: 'platform overhead per run p95',
        unit: 'ms',
        stevedore: percentile(counted, 95),
        bare: 0,
        ratio: 0,
        target: '',
        samples: { stevedore: [], bare: [] },
      },
      {
        scenario: 'runs',
        metric: `runs/min, ${RUNS} × 5 steps, concurrency ${CONCURRENCY}, against one shared browser (a context per run, nothing stored, no egress guard); CPU ms per run: platform ${cpuLine(cpu.platform)}; shared browser ${cpuLine(cpu.shared)}`,
        unit: '1/min',
        stevedore: s,
        bare: sharedRate,
        ratio: s / sharedRate,
        target: '>= 0.95',
        samples: { stevedore: samples.stevedore, bare: sharedRates.slice(1) },
      },
      {
        scenario: 'runs',
        metric: `PSS added per concurrent run, median of 1 s samples while runs go (warm ${baselinePss.toFixed(0)}, median ${median(pssSamples).toFixed(0)} MiB)`,
        unit: 'MiB',
        stevedore: (median(pssSamples) - baselinePss) / CONCURRENCY,
        bare: 0,
        ratio: 0,
        target: '< 100 MB',
        samples: { stevedore: pssSamples, bare: [] },
      },
      {
        scenario: 'runs',
        metric: `PSS added per concurrent run, at the peak (worker + Chromium; idle ${idlePss.toFixed(0)}, warm ${baselinePss.toFixed(0)}, peak ${peakPss.toFixed(0)} MiB)`,
        unit: 'MiB',
        stevedore: (peakPss - baselinePss) / CONCURRENCY,
        bare: 0,
        ratio: 0,
        target: '< 100 MB',
        samples: { stevedore: [], bare: [] },
      },
    ];
  } finally {
    await db.end();
    await stack.stop();
    await site.stop();
  }
}
