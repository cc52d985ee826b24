import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pollUntil } from './helpers/poll';
import { Stack } from './helpers/stack';
import { baseEnv, TEST_API_KEY } from './helpers/test-env';
import { TestSite } from './helpers/test-site';

const ROOT = join(__dirname, '..');

/** The README's "Projects and keys" walk-through, pasted as a newcomer would, against a real API and worker. */
describe("README's projects and keys walk-through", () => {
  let stack: Stack;
  let site: TestSite;

  beforeAll(async () => {
    site = await new TestSite({ '/': '<!doctype html><title>Shop</title><h1>Shop</h1>' }).start();
    stack = await new Stack(baseEnv({ ALLOWED_PRIVATE_HOSTS: '127.0.0.1' })).start();
  });

  afterAll(async () => {
    await stack?.stop();
    await site?.stop();
  });

  it('creates a project and a trigger key, and runs a test only that project sees', async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Projects and keys'));
    const start = section.indexOf('```bash\n') + 8;
    const block = section.slice(start, section.indexOf('\n```', start));
    const name = `checkout-team-${randomUUID().slice(0, 8)}`;
    const script = [
      block
        .replaceAll('dev-key-change-me-0123456789', TEST_API_KEY)
        .replaceAll('localhost:3000', stack.base.replace('http://', ''))
        .replaceAll('https://example.com/', `${site.base}/`)
        .replaceAll('"checkout-team"', `"${name}"`),
      // What the test needs to follow the run: the key the walk-through made.
      'echo "CI_KEY=$CI"',
    ].join('\n');
    const result = spawnSync('bash', ['-c', script], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    const ci = /CI_KEY=(stv_\S+)/.exec(result.stdout)?.[1];
    expect(ci).toBeDefined();
    expect(result.stdout).toMatch(/\{"id":"[0-9a-f-]{36}","status":"queued"\}/);
    const runId = /\{"id":"([0-9a-f-]{36})","status":"queued"\}/.exec(result.stdout)![1];

    const asCi = (path: string) => fetch(`${stack.base}${path}`, { headers: { authorization: `Bearer ${ci}` } });
    const run = await pollUntil(
      async () => (await asCi(`/api/runs/${runId}`)).json() as Promise<{ status: string }>,
      (r) => !['queued', 'running'].includes(r.status),
      60_000,
      'the run to end',
    );
    expect(run.status).toBe('passed');
    // The bootstrap key acts in the default project: the team's run is not there.
    expect((await stack.request(`/api/runs/${runId}`)).status).toBe(404);
    // The walk-through's PATCH and audit log went through.
    expect(result.stdout).toContain('"runningLimit":2');
    expect(result.stdout).toContain('"action":"project.updated"');
  });
});
