import { json } from './helpers/json';
import { pollUntil } from './helpers/poll';
import { commandLine, processTree } from './helpers/process-tree';
import { Stack } from './helpers/stack';
import { baseEnv } from './helpers/test-env';
import { TestSite } from './helpers/test-site';

const RUN_END = ['passed', 'failed', 'error', 'cancelled', 'timed_out'];

/** The worker's Chromium browsers: its descendants that are a browser's main process (no --type=). */
function browsersOf(workerPid: number): number[] {
  return processTree(workerPid).filter((pid) => {
    const cmd = commandLine(pid);
    return /chrom(e|ium)/.test(cmd.split(' ')[0]) && !cmd.includes('--type=');
  });
}

/**
 * A worker starts a fresh Chromium after BROWSER_RECYCLE_RUNS runs, and the one it retires
 * closes once its last run (or its prepared spare context) is done, with runs overlapping.
 */
describe('browser recycling', () => {
  let stack: Stack;
  let site: TestSite;

  beforeAll(async () => {
    site = await new TestSite({ '/': '<!doctype html><title>Home</title><h1 id="t">hello</h1>' }).start();
    stack = await new Stack(
      baseEnv({ ALLOWED_PRIVATE_HOSTS: '127.0.0.1', WORKER_CONCURRENCY: '2', BROWSER_RECYCLE_RUNS: '2' }),
    ).start();
  });

  afterAll(async () => {
    await stack?.stop();
    await site?.stop();
  });

  it('leaves one Chromium running after several recyclings with runs overlapping', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await stack.request('/api/runs', {
        body: {
          name: `recycle ${i}`,
          options: { trace: 'off' },
          steps: [
            { action: 'goto', url: `${site.base}/` },
            { action: 'expectText', selector: '#t', text: 'hello' },
          ],
        },
      });
      expect(res.status).toBe(201);
      ids.push((await json(res)).id as string);
    }
    for (const id of ids) {
      const run = await pollUntil(
        async () => json(await stack.request(`/api/runs/${id}`)),
        (r) => RUN_END.includes(r.status as string),
        90_000,
        `run ${id} ended`,
      );
      expect(run.status).toBe('passed');
    }
    // Six recyclings happened; the retired browsers close as their last contexts do.
    const workerPid = stack.worker.child.pid!;
    const browsers = await pollUntil(
      async () => browsersOf(workerPid),
      (pids) => pids.length <= 1,
      15_000,
      'retired browsers closed',
    ).catch(() => browsersOf(workerPid));
    expect(browsers).toHaveLength(1);
  });
});
