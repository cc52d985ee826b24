import { ChildProcess, spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/**
 * The Node flags each role runs with wherever it is deployed (package.json's start scripts,
 * pm2.config.json's node_args, the Dockerfile's CMD for the API, compose's and Kubernetes'
 * worker command; test/deploy-files checks they agree). The API: a young generation of at
 * most 16 MB per semi-space keeps an idle process under 200 MB (V8 otherwise grows it to
 * 64 MB on a large machine and keeps it) and is the accept path's throughput setting.
 * The worker's young generation is half that: a crawl's peak RSS (README, "Worker memory").
 */
export const API_NODE_ARGS = ['--max-semi-space-size=16'];
export const WORKER_NODE_ARGS = ['--max-semi-space-size=8'];

/** The flags of the role an environment starts (IS_WORKER). */
export const nodeArgsFor = (env: Record<string, string | undefined>): string[] =>
  env.IS_WORKER === 'true' ? WORKER_NODE_ARGS : API_NODE_ARGS;

export interface AppProcessOptions {
  env: Record<string, string>;
  /** The script to run: the built app by default, or a TypeScript fixture. */
  entry?: string;
  /** Write stdout and stderr to this file instead of keeping them (benchmarks: logs cost what they cost in production). */
  logFile?: string;
  /** Node flags before the script; the role's production flags by default. */
  nodeArgs?: string[];
}

/**
 * A real API or worker process, as pm2 or a user would run it: `node dist/main.js` with
 * its own environment. Output is kept for assertions.
 */
export class AppProcess {
  readonly child: ChildProcess;
  output = '';
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(options: AppProcessOptions) {
    const entry = options.entry ?? join(ROOT, 'dist', 'main.js');
    const tsFixture = entry.endsWith('.ts');
    const args = [
      ...(options.nodeArgs ?? (tsFixture ? [] : nodeArgsFor(options.env))),
      ...(tsFixture ? ['-r', '@swc-node/register', entry] : [entry]),
    ];
    const log = options.logFile ? openSync(options.logFile, 'a') : 'pipe';
    this.child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        ...options.env,
        SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
      },
      stdio: ['ignore', log, log],
    });
    this.child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    this.child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Waits until GET url answers 200 (or the process dies). E2E_START_TIMEOUT_MS stretches the wait on a loaded machine. */
  async waitHealthy(url: string, timeoutMs = Number(process.env.E2E_START_TIMEOUT_MS ?? 30000)): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => (exited = true));
    while (Date.now() < deadline) {
      if (exited) throw new Error(`process exited before ${url} was healthy:\n${this.output.slice(-3000)}`);
      try {
        const res = await fetch(url);
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 150));
    }
    throw new Error(`${url} not healthy after ${timeoutMs} ms:\n${this.output.slice(-3000)}`);
  }

  async waitExit(timeoutMs = 30000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.exited,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`process still running after ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 30000) {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited;
    this.child.kill(signal);
    try {
      return await this.waitExit(timeoutMs);
    } catch (error) {
      this.child.kill('SIGKILL');
      // What it was doing when it would not stop: the last log lines.
      throw new Error(`${(error as Error).message}; its last output:\n${this.output.slice(-4000)}`, { cause: error });
    }
  }

  /** JSON log lines the process printed. */
  logLines(): Array<Record<string, unknown>> {
    return this.output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
  }
}
