import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './helpers/free-port';
import { pollUntil } from './helpers/poll';
import { baseEnv } from './helpers/test-env';

const ROOT = join(__dirname, '..');
const SCRIPTS = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
  .scripts;

const bash = (script: string, env: Record<string, string> = {}) =>
  spawnSync('bash', ['-c', script], {
    cwd: ROOT,
    env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: process.env.HOME ?? '', ...env },
    encoding: 'utf8',
  });

/** The README's commands as a new user runs them, beyond the two CI already runs. */
describe('developer scripts', () => {
  it('names the URL it checked and the local cluster when PostgreSQL is on another port', async () => {
    const port = await freePort();
    const result = bash('source scripts/setup.sh && ensure_services', {
      DATABASE_URL: `postgres://postgres:s3cret@127.0.0.1:${port}/stevedore`,
    });
    const output = result.stdout + result.stderr;
    expect(result.status).toBe(1);
    expect(output).toContain(`PostgreSQL is not answering at postgres://postgres:***@127.0.0.1:${port}/stevedore`);
    expect(output).toMatch(/ECONNREFUSED/);
    // What to do: the port this machine's cluster really listens on.
    expect(output).toMatch(/listens on port\(s\) \d+: point DATABASE_URL \(in \.env\) there/);
    expect(output).not.toContain('s3cret');
    expect(output).not.toMatch(/starting/);
  });

  it("makes a first .env from .env.example in which the README's run may reach the demo site", () => {
    const dir = mkdtempSync(join(tmpdir(), 'stevedore-env-'));
    mkdirSync(join(dir, 'scripts'));
    cpSync(join(ROOT, 'scripts', 'setup.sh'), join(dir, 'scripts', 'setup.sh'));
    cpSync(join(ROOT, '.env.example'), join(dir, '.env.example'));
    const result = spawnSync('bash', ['-c', 'source scripts/setup.sh && ensure_env_file'], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    const made = readFileSync(join(dir, '.env'), 'utf8');
    expect(made).toMatch(/^ALLOWED_PRIVATE_HOSTS=127\.0\.0\.1$/m);
    // Everything else is the example's, the product defaults.
    expect(made.replace('ALLOWED_PRIVATE_HOSTS=127.0.0.1', 'ALLOWED_PRIVATE_HOSTS=')).toBe(
      readFileSync(join(ROOT, '.env.example'), 'utf8'),
    );
  });

  it("serves the demo site of the README's first run", async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [join(ROOT, 'scripts', 'demo-site.mjs')], {
      env: { DEMO_SITE_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let printed = '';
    child.stdout!.on('data', (d: Buffer) => (printed += d.toString()));
    try {
      let login = '';
      for (let i = 0; i < 50 && !login; i++) {
        login = await fetch(`http://127.0.0.1:${port}/login`).then(
          (r) => r.text(),
          () => new Promise<string>((resolve) => setTimeout(() => resolve(''), 100)),
        );
      }
      expect(login).toContain('<input id="email"');
      expect(login).toContain('<button type="submit">Sign in</button>');
      expect(await (await fetch(`http://127.0.0.1:${port}/welcome?email=a`)).text()).toContain('<h1>Welcome</h1>');
      // And it takes a webhook's POST (the README's monitor example), printing it.
      const posted = await fetch(`http://127.0.0.1:${port}/hook`, {
        method: 'POST',
        body: '{"event":"incident.opened"}',
      });
      expect(posted.status).toBe(200);
      await pollUntil(
        async () => printed,
        (text) => text.includes('POST /hook {"event":"incident.opened"}'),
        5000,
      );
    } finally {
      child.kill();
    }
  });

  it('does not try to start a Redis that is not on this machine', () => {
    const result = bash('source scripts/setup.sh && ensure_services', { REDIS_URL: 'redis://:pw@192.0.2.1:6379' });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('Redis is not answering at redis://:***@192.0.2.1:6379');
  });

  it('puts pnpm, pm2 and a Node of at least 22 on PATH for the README commands', () => {
    const result = bash(
      'source scripts/env.sh && command -v pnpm && command -v pm2 && node -p "process.versions.node"',
    );
    expect(result.status).toBe(0);
    const [pnpm, pm2, node] = result.stdout.trim().split('\n');
    expect(pnpm).toMatch(/\/pnpm$/);
    expect(pm2).toBe(join(ROOT, 'node_modules', '.bin', 'pm2'));
    expect(Number(node.split('.')[0])).toBeGreaterThanOrEqual(22);
  });

  // pnpm dev's two halves run from the sources (SWC, no compile step): both must come up.
  it.each([
    ['start:dev', 'APP_PORT'],
    ['start:worker:dev', 'APP_WORKER_PORT'],
  ])(
    '%s serves health from the sources',
    async (script, portKey) => {
      const port = await freePort();
      const child = spawn('sh', ['-c', SCRIPTS[script]], {
        cwd: ROOT,
        detached: true,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...baseEnv(), [portKey]: String(port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      try {
        const deadline = Date.now() + 150_000;
        let healthy = false;
        while (!healthy && Date.now() < deadline && child.exitCode === null) {
          healthy = await fetch(`http://127.0.0.1:${port}/api/health`).then(
            (r) => r.status === 200,
            () => false,
          );
          if (!healthy) await new Promise((r) => setTimeout(r, 250));
        }
        if (!healthy) throw new Error(`${script} never became healthy:\n${output.slice(-3000)}`);
      } finally {
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise((r) => child.once('exit', r));
          process.kill(-child.pid!, 'SIGTERM');
          await exited;
        }
      }
    },
    180_000,
  );
});
