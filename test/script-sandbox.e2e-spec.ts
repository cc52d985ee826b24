import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { pollUntil } from './helpers/poll';
import { commandLine } from './helpers/process-tree';
import { queueScriptRun, scriptRun, waitRunEnd } from './helpers/script-runs';
import { Stack } from './helpers/stack';
import { baseEnv } from './helpers/test-env';

const FIXTURES = join(__dirname, 'fixtures', 'script-escapes');
const APP_DIR = join(__dirname, '..');

const canary = (name: string) => `canary-${name}-${randomBytes(8).toString('hex')}`;
const CANARIES = {
  MAIL_PASSWORD: canary('mail'),
  WEBHOOK_SECRET: canary('hook'),
  SECRETS_KEY: randomBytes(32).toString('hex'),
  envFile: canary('dotenv'),
  otherRun: canary('other-run'),
};

/**
 * Caps small enough to reach in seconds, large enough for an ordinary Playwright test:
 * measured on cgroup v1 (page cache counted), one such test peaks at 210-280 MB and 24
 * tasks; at 256 MB the kernel OOM-killed ordinary runs.
 */
const CAPS = { SCRIPT_MEMORY_MB: '512', SCRIPT_PROCESS_LIMIT: '64', SCRIPT_DISK_MB: '20' };

const PASSING = `import { test, expect } from '@playwright/test';
test('an ordinary test', async ({ page }) => {
  await page.setContent('<h1>still serving</h1>');
  await expect(page.locator('h1')).toHaveText('still serving');
});`;

interface StoredTest {
  title: string;
  status: string;
  stdout: string;
  errors: Array<{ message: string }>;
}

/** Everything a run left in the stored result, as one text (the canaries must be in none of it). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const storedText = (run: any) => JSON.stringify({ ...run, definition: undefined });

/** A TCP/HTTP server on 127.0.0.1 that logs every connection and request: no script may reach it. */
class CanaryServer {
  readonly connections: string[] = [];
  readonly requests: string[] = [];
  private server?: Server;
  port = 0;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.requests.push(req.url ?? '');
      res.end(`canary page ${CANARIES.envFile}`);
    });
    this.server.on('connection', (socket: Socket) => this.connections.push(String(socket.remoteAddress)));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** The host's first non-loopback IPv4 address (what a sandbox with a network could reach the services on). */
const hostIp = () =>
  Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address ?? '10.0.0.1';

/** The run's cgroup folders on the host (v1: one per controller; v2: one), whether or not they still exist. */
function cgroupDirs(workerPid: number, name: string): string[] {
  return readFileSync(`/proc/${workerPid}/cgroup`, 'utf8')
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => {
      const [, controllers, path] = line.split(':');
      if (controllers === '')
        return existsSync('/sys/fs/cgroup/cgroup.controllers') ? [join('/sys/fs/cgroup', path)] : [];
      return controllers
        .split(',')
        .filter((c) => c === 'memory' || c === 'pids')
        .map((c) => join('/sys/fs/cgroup', c, path));
    })
    .map((dir) => join(dir, 'stevedore-scripts', name));
}

/** Host processes whose command line holds `marker`. */
function processesWith(marker: string): string[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map((pid) => commandLine(Number(pid)))
    .filter((cmd) => cmd.includes(marker));
}

/**
 * Issue #17's escape tests: a script run's code tries each way out of its sandbox, against
 * a real API and worker (bubblewrap, cgroups, the worker's Chromium behind the relay). Each
 * outcome is checked from outside: the stored result, a canary server's log, the host's
 * files and processes. After each, the worker is healthy and a normal run passes.
 * No ALLOWED_PRIVATE_HOSTS: 127.0.0.1 is a private address the runs may not reach.
 */
describe('script sandbox: escapes are refused', () => {
  let stack: Stack;
  let dir: string;
  let canaryDir: string;
  let canaryServer: CanaryServer;
  let otherRunFile: string;

  const fixture = (name: string) => readFileSync(join(FIXTURES, `${name}.ts`), 'utf8');
  const runEnv = () => ({
    CANARY_PORT: String(canaryServer.port),
    CANARY_ENV_FILE: join(canaryDir, '.env'),
    CANARY_DIR: canaryDir,
    OTHER_RUN_FILE: otherRunFile,
    ARTIFACTS_DIR: dir,
    APP_DIR,
    API_PORT: new URL(stack.base).port,
    WORKER_PORT: new URL(stack.workerBase).port,
    HOST_IP: hostIp(),
  });
  const runScript = async (files: Record<string, string>, extra: Parameters<typeof scriptRun>[1] = {}) => {
    const id = await queueScriptRun(stack, scriptRun(files, { ...extra, env: { ...runEnv(), ...extra.env } }));
    return { id, run: await waitRunEnd(stack, id) };
  };
  const testsOf = (run: { tests: StoredTest[] }) => Object.fromEntries(run.tests.map((t) => [t.title, t]));

  /** The worker answers its health check and runs an ordinary script to a pass. */
  const stillServing = async () => {
    expect((await fetch(`${stack.workerBase}/api/health`)).status).toBe(200);
    const { run } = await runScript({ 'ok.spec.ts': PASSING });
    expect([run.status, run.error]).toEqual(['passed', null]);
  };

  /**
   * Within 2 s of the run's end (the bound; the cgroup is removed once the run is
   * stored), no process of the run is left on the host (its sandbox's command line names
   * its workspace) and its cgroup is gone.
   */
  const expectNothingLeft = async (id: string) => {
    const left = () => ({
      processes: processesWith(`${id}-1`),
      cgroups: cgroupDirs(stack.worker.child.pid!, `${id}-1`).filter((dir) => existsSync(dir)),
    });
    const last = await pollUntil(
      () => Promise.resolve(left()),
      (now) => now.processes.length === 0 && now.cgroups.length === 0,
      2000,
      'the run’s processes and cgroup gone',
    ).catch(() => left());
    expect(last).toEqual({ processes: [], cgroups: [] });
  };

  /** Everything stored of a run holds none of the worker's secrets or the canary files' contents. */
  const expectNoCanary = (run: unknown) => {
    const text = storedText(run);
    for (const value of [...Object.values(CANARIES), stack.env.DATABASE_URL, stack.env.REDIS_URL])
      expect(text).not.toContain(value);
    for (const key of stack.env.API_KEYS.split(',')) expect(text).not.toContain(key);
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stevedore-escapes-'));
    canaryDir = await mkdtemp(join(tmpdir(), 'stevedore-canary-'));
    await writeFile(join(canaryDir, '.env'), `DATABASE_URL=postgres://${CANARIES.envFile}@db/prod\n`);
    // Another run's artifact, where the worker keeps them.
    const otherRun = join(dir, 'runs', randomUUID());
    await mkdir(otherRun, { recursive: true });
    otherRunFile = join(otherRun, 'secret.txt');
    await writeFile(otherRunFile, CANARIES.otherRun);
    canaryServer = await new CanaryServer().start();
    stack = await new Stack(
      baseEnv({
        ARTIFACTS_DIR: dir,
        MAIL_PASSWORD: CANARIES.MAIL_PASSWORD,
        WEBHOOK_SECRET: CANARIES.WEBHOOK_SECRET,
        SECRETS_KEY: CANARIES.SECRETS_KEY,
        ...CAPS,
      }),
    ).start();
  }, 150000);

  afterAll(async () => {
    await stack?.stop();
    await canaryServer?.stop();
    await rm(dir, { recursive: true, force: true });
    await rm(canaryDir, { recursive: true, force: true });
  });

  it("keeps the test's Node code from the worker's secrets, files, network and disk", async () => {
    const { run } = await runScript({ 'host.spec.ts': fixture('host') });
    const tests = testsOf(run);
    const outcome = Object.fromEntries(run.tests.map((t: StoredTest) => [t.title, [t.status, t.errors[0]?.message]]));
    expect(outcome).toEqual({
      "the environment holds none of the worker's settings": ['passed', undefined],
      "the worker's files and other runs' files cannot be read": ['passed', undefined],
      'nothing can be written outside the run folder': ['passed', undefined],
      'no network connection of its own reaches anything': ['passed', undefined],
      'a shell it spawns is held the same way': ['passed', undefined],
    });
    expect(run.status).toBe('passed');
    // What the tests saw, as they printed it.
    expect(tests["the environment holds none of the worker's settings"].stdout).toMatch(/env keys: .*CANARY_PORT/);
    expect(tests["the worker's files and other runs' files cannot be read"].stdout).toMatch(
      /read .*\.env: REFUSED ENOENT/,
    );
    expect(tests['a shell it spawns is held the same way'].stdout).toMatch(/id: uid=1000/);
    expectNoCanary(run);
    // Nothing it wrote is on the host, and nothing reached the canary server.
    expect(existsSync(join(canaryDir, 'planted'))).toBe(false);
    for (const path of ['/planted', '/etc/planted', '/etc/planted-by-shell']) expect(existsSync(path)).toBe(false);
    expect([canaryServer.connections, canaryServer.requests]).toEqual([[], []]);
    await stillServing();
  }, 90000);

  it("keeps the test's browser to the web: no private address, local file, other browser, CDP or close", async () => {
    const { run } = await runScript({ 'browser.spec.ts': fixture('browser') });
    const outcome = Object.fromEntries(run.tests.map((t: StoredTest) => [t.title, [t.status, t.errors[0]?.message]]));
    expect(outcome).toEqual({
      'pages cannot reach a private address': ['passed', undefined],
      'local files cannot be opened in the browser': ['passed', undefined],
      'API requests cannot reach a private address': ['passed', undefined],
      'no other browser can be launched': ['passed', undefined],
      'raw CDP sessions are refused': ['passed', undefined],
      'the shared browser cannot be closed': ['passed', undefined],
    });
    const tests = testsOf(run);
    expect(tests['raw CDP sessions are refused'].stdout).toMatch(/newCDPSession: REFUSED .*Stevedore: newCDPSession/);
    expect(tests['the shared browser cannot be closed'].stdout).toMatch(
      /close on the server: REFUSED Stevedore: the shared browser cannot be closed/,
    );
    expectNoCanary(run);
    expect([canaryServer.connections, canaryServer.requests]).toEqual([[], []]);
    // The browser the run tried to close serves the next run.
    await stillServing();
  }, 90000);

  it('stops a CPU loop at the run timeout, whole tree', async () => {
    const { id, run } = await runScript({ 'cpu.spec.ts': fixture('cpu') }, { options: { timeoutMs: 8000 } });
    expect([run.status, run.error]).toEqual(['timed_out', 'run timed out']);
    const took = Date.parse(run.finishedAt) - Date.parse(run.startedAt);
    expect(took).toBeGreaterThanOrEqual(6000);
    expect(took).toBeLessThan(8000 + 3000);
    await expectNothingLeft(id);
    await stillServing();
  }, 90000);

  it('stops an allocation bomb at SCRIPT_MEMORY_MB', async () => {
    const { id, run } = await runScript({ 'memory.spec.ts': fixture('memory') });
    expect(run.status).toBe('failed');
    expect(run.error).toContain(`SCRIPT_MEMORY_MB=${CAPS.SCRIPT_MEMORY_MB}`);
    await expectNothingLeft(id);
    await stillServing();
  }, 90000);

  it('contains a fork bomb at SCRIPT_PROCESS_LIMIT and leaves no process of it', async () => {
    const marker = randomBytes(6).toString('hex');
    const { id, run } = await runScript({ 'fork.spec.ts': fixture('fork') }, { env: { MARKER: marker } });
    expect(run.status).toBe('failed');
    expect(run.error).toContain(`SCRIPT_PROCESS_LIMIT=${CAPS.SCRIPT_PROCESS_LIMIT}`);
    expect(processesWith(`forkbomb-${marker}`)).toEqual([]);
    await expectNothingLeft(id);
    await stillServing();
  }, 90000);

  it('stops a script writing past SCRIPT_DISK_MB', async () => {
    const { id, run } = await runScript({ 'disk.spec.ts': fixture('disk') });
    expect(run.status).toBe('failed');
    expect(run.error).toContain(`SCRIPT_DISK_MB=${CAPS.SCRIPT_DISK_MB}`);
    // What it wrote went with its workspace; none of it was kept as the run's files.
    await expectNothingLeft(id);
    expect(existsSync(join(tmpdir(), 'stevedore-scripts', `${id}-1`))).toBe(false);
    expect(readdirSync(join(dir, 'runs', id)).filter((name) => name.includes('fill-'))).toEqual([]);
    await stillServing();
  }, 90000);
});
