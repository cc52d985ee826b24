import { Client } from 'pg';
import { AppProcess } from '../test/helpers/app-process';
import { freePort } from '../test/helpers/free-port';
import { pollUntil } from '../test/helpers/poll';
import { Stack } from '../test/helpers/stack';
import { TestSite, WELCOME_PAGE } from '../test/helpers/test-site';
import { alternate, Figure, median } from './harness';

const TESTS = Number(process.env.BENCH_SUITE_TESTS ?? 20);
const FINAL = ['passed', 'failed', 'error', 'cancelled', 'timed_out'];

/** A short test: one page, one assertion, nothing kept. */
const shortTest = (base: string, i: number) => ({
  name: `short ${i}`,
  baseUrl: base,
  steps: [
    { action: 'goto', url: '/welcome' },
    { action: 'expectText', selector: 'h1', text: 'Welcome' },
  ],
  options: { trace: 'off' },
});

/**
 * TESTS short tests on two worker processes (concurrency 2 each): as one suite (one POST,
 * one flow, counts kept, the parent settled at the end) against the same tests POSTed one
 * by one as plain runs, each POST awaited before the next. Wall time from the first POST
 * to the last end; the suite side's end is the suite's own end state, not its last run's.
 */
export async function suitesBenchmark(
  env: Record<string, string>,
  reps: number,
  databaseUrl: string,
): Promise<Figure[]> {
  const site = await new TestSite({ '/welcome': WELCOME_PAGE }).start();
  const shared = {
    ...env,
    ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
    WORKER_CONCURRENCY: '2',
    QUEUED_CAPACITY: '1000',
    RUNNING_CAPACITY: '100',
    ARTIFACTS_DIR: '/tmp/stevedore-bench-artifacts',
  };
  const stack = await new Stack(shared).start();
  const port = await freePort();
  const second = new AppProcess({ env: { ...shared, IS_WORKER: 'true', APP_WORKER_PORT: String(port) } });
  await second.waitHealthy(`http://127.0.0.1:${port}/api/health`);
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const endLags: number[] = [];
  const acceptSuite: number[] = [];
  const acceptRuns: number[] = [];
  try {
    const asSuite = async () => {
      const started = performance.now();
      const res = await stack.request('/api/suites', {
        body: { name: 'bench suite', tests: Array.from({ length: TESTS }, (_, i) => shortTest(site.base, i)) },
      });
      acceptSuite.push(performance.now() - started);
      if (res.status !== 201) throw new Error(`POST /api/suites answered ${res.status}: ${await res.text()}`);
      const { id } = (await res.json()) as { id: string };
      const suite = await pollUntil(
        async () =>
          (await db.query(`SELECT status, finished_at FROM suites WHERE id = $1`, [id])).rows[0] as {
            status: string;
            finished_at: Date | null;
          },
        (s) => FINAL.includes(s.status),
        300000,
        'suite ended',
      );
      const wall = performance.now() - started;
      if (suite.status !== 'passed') throw new Error(`the suite ended ${suite.status}`);
      // The suite machinery at the end: from its last run's end to the suite's own end state.
      const { rows } = await db.query(
        `SELECT extract(epoch FROM s.finished_at - max(r.finished_at)) * 1000 AS lag FROM suites s JOIN runs r ON r.suite_id = s.id WHERE s.id = $1 GROUP BY s.finished_at`,
        [id],
      );
      endLags.push(Number(rows[0].lag));
      return wall;
    };
    const oneByOne = async () => {
      const started = performance.now();
      const ids: string[] = [];
      for (let i = 0; i < TESTS; i++) {
        const res = await stack.request('/api/runs', { body: shortTest(site.base, i) });
        if (res.status !== 201) throw new Error(`POST /api/runs answered ${res.status}`);
        ids.push(((await res.json()) as { id: string }).id);
      }
      acceptRuns.push(performance.now() - started);
      await pollUntil(
        async () =>
          (await db.query(`SELECT count(*)::int AS n FROM runs WHERE id = ANY($1) AND status = ANY($2)`, [ids, FINAL]))
            .rows[0].n as number,
        (n) => n === TESTS,
        300000,
        'all runs ended',
      );
      const wall = performance.now() - started;
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM runs WHERE id = ANY($1) AND status = 'passed'`, [
        ids,
      ]);
      if (rows[0].n !== TESTS) throw new Error('not every run passed');
      return wall;
    };
    const samples = await alternate(reps, asSuite, oneByOne);
    const [s, b] = [median(samples.stevedore), median(samples.bare)];
    const [suiteAccept, runsAccept] = [median(acceptSuite.slice(1)), median(acceptRuns.slice(1))];
    return [
      {
        scenario: 'suites',
        metric: `wall time, ${TESTS} short tests on 2 workers × 2: one suite vs ${TESTS} runs POSTed one by one`,
        unit: 'ms',
        stevedore: s,
        bare: b,
        ratio: s / b,
        target: '<= 1.1',
        samples,
      },
      {
        scenario: 'suites',
        metric: `accept time: one POST /api/suites vs ${TESTS} POST /api/runs in turn`,
        unit: 'ms',
        stevedore: suiteAccept,
        bare: runsAccept,
        ratio: suiteAccept / runsAccept,
        target: '',
        samples: { stevedore: acceptSuite, bare: acceptRuns },
      },
      {
        scenario: 'suites',
        metric: 'suite end lag: last run ended → suite ended (parent job, counts, end state)',
        unit: 'ms',
        stevedore: median(endLags.slice(1)),
        bare: 0,
        ratio: 0,
        target: '',
        samples: { stevedore: endLags, bare: [] },
      },
    ];
  } finally {
    await db.end();
    await Promise.all([stack.stop(), second.stop()]);
    await site.stop();
  }
}
