import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pollUntil } from './poll';

const run = promisify(execFile);

/** Whether nothing listens on `port` of 127.0.0.1 right now. */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A port free together with its cluster bus port (port + 10000, which Redis opens too):
 * the OS's pick may be above 55535, where the bus port would not exist.
 */
async function freeClusterPort(taken: Set<number>): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = 20000 + Math.floor(Math.random() * 25000);
    if (taken.has(port) || taken.has(port + 10000)) continue;
    if ((await isFree(port)) && (await isFree(port + 10000))) return port;
  }
  throw new Error('No free port pair for a Redis Cluster node');
}

/**
 * A real three-master Redis Cluster on loopback ports, from Debian's redis-server (no
 * persistence, its node files in a temporary folder), made with `redis-cli --cluster create`.
 */
export class RedisCluster {
  readonly ports: number[] = [];
  private readonly processes: ChildProcess[] = [];
  private dir = '';
  output = '';

  /** REDIS_CLUSTER_NODES for this cluster. */
  get nodes(): string {
    return this.ports.map((port) => `127.0.0.1:${port}`).join(',');
  }

  async start(masters = 3): Promise<this> {
    this.dir = await mkdtemp(join(tmpdir(), 'stevedore-redis-cluster-'));
    const taken = new Set<number>();
    for (let i = 0; i < masters; i++) {
      const port = await freeClusterPort(taken);
      taken.add(port).add(port + 10000);
      this.ports.push(port);
    }
    try {
      for (const port of this.ports) {
        const child = spawn(
          'redis-server',
          [
            '--port',
            String(port),
            '--bind',
            '127.0.0.1',
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            join(this.dir, `nodes-${port}.conf`),
            '--dir',
            this.dir,
            '--save',
            '',
            '--appendonly',
            'no',
            '--daemonize',
            'no',
          ],
          { stdio: ['ignore', 'pipe', 'pipe'] },
        );
        child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
        child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
        this.processes.push(child);
      }
      for (const port of this.ports)
        await pollUntil(
          () => this.cli(port, 'ping').catch(() => ''),
          (answer) => answer.trim() === 'PONG',
          15000,
          `redis-server on ${port} answering`,
        );
      await run(
        'redis-cli',
        ['--cluster', 'create', ...this.ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'],
        { timeout: 30000 },
      );
      for (const port of this.ports)
        await pollUntil(
          () => this.cli(port, 'cluster', 'info').catch(() => ''),
          (info) => info.includes('cluster_state:ok'),
          30000,
          `cluster_state:ok on ${port}`,
        );
    } catch (error) {
      await this.stop();
      throw new Error(`Redis Cluster did not start: ${(error as Error).message}\n${this.output}`, { cause: error });
    }
    return this;
  }

  /** One redis-cli command on one node (no redirections followed). */
  async cli(port: number, ...args: string[]): Promise<string> {
    return (await run('redis-cli', ['-p', String(port), ...args], { timeout: 5000 })).stdout;
  }

  /** Every key on every master matching a pattern. */
  async keys(pattern: string): Promise<string[]> {
    const all: string[] = [];
    for (const port of this.ports)
      all.push(...(await this.cli(port, '--scan', '--pattern', pattern)).split('\n').filter(Boolean));
    return all;
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.processes.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
      ),
    );
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }
}
