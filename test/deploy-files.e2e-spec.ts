import { readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { API_NODE_ARGS, WORKER_NODE_ARGS } from './helpers/app-process';

// Docker/pm2 cannot run in CI here, so the deploy files are checked as data.
const root = join(__dirname, '..');
const read = (file: string): string => readFileSync(join(root, file), 'utf8');

type Pm2App = {
  name: string;
  script: string;
  exec_mode: string;
  instances: number;
  node_args?: string;
  kill_timeout: number;
  max_memory_restart?: string;
  increment_var?: string;
  env: Record<string, string>;
};
type Service = {
  image?: string;
  build?: unknown;
  command?: string | string[];
  environment?: Record<string, string>;
  deploy?: { replicas?: number | string };
  healthcheck?: { test: string | string[] };
  depends_on?: Record<string, { condition: string }>;
  stop_grace_period?: string;
};

// Compose durations ("40s", "1m30s", "500ms") to seconds.
const toSeconds = (duration: string): number => {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001, us: 1e-6 };
  const parts = [...duration.matchAll(/(\d+(?:\.\d+)?)(h|ms|us|m|s)/g)];
  if (parts.length === 0) throw new Error(`unparsable duration: ${duration}`);
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * units[unit], 0);
};

// `${VAR:-3}` interpolates at deploy time; the default is what ships.
const replicaDefault = (value: number | string | undefined): number =>
  typeof value === 'number' ? value : Number(/:-(\d+)\}$/.exec(String(value))?.[1]);

describe('deploy files', () => {
  const pm2 = JSON.parse(read('pm2.config.json')) as { apps: Pm2App[] };
  const pm2App = (name: string): Pm2App => {
    const app = pm2.apps.find((a) => a.name === name);
    if (!app) throw new Error(`pm2 app ${name} missing`);
    return app;
  };
  // merge: true resolves the `<<: *app-env` keys the way compose does.
  const compose = parse(read('docker-compose.prod.yml'), { merge: true }) as {
    services: Record<string, Service>;
    volumes: Record<string, unknown>;
  };
  const services = compose.services;
  const dockerfile = read('Dockerfile');

  it('pm2 runs the API in cluster mode, 2 instances of dist/main.js', () => {
    const api = pm2App('api');
    expect(api).toMatchObject({ script: 'dist/main.js', exec_mode: 'cluster', instances: 2 });
    expect(api.env).toMatchObject({ NODE_ENV: 'production', IS_WORKER: 'false' });
  });

  it('pm2 runs 3 forked workers that drain jobs before being killed', () => {
    const worker = pm2App('worker');
    expect(worker).toMatchObject({ script: 'dist/main.js', exec_mode: 'fork', instances: 3 });
    expect(worker.env).toMatchObject({ NODE_ENV: 'production', IS_WORKER: 'true', APP_WORKER_PORT: '3001' });
    expect(worker.kill_timeout).toBeGreaterThan(Number(worker.env.SHUTDOWN_TIMEOUT_MS));
    expect(worker.max_memory_restart).toBeTruthy();
    // The memory guard pauses the worker below the limit pm2 would restart it at.
    expect(`${String(worker.env.WORKER_MEMORY_LIMIT_MB)}M`).toBe(worker.max_memory_restart);
    // The app adds NODE_APP_INSTANCE to the port itself; increment_var would double-count.
    expect(worker.increment_var).toBeUndefined();
  });

  it('compose runs 2 API replicas and the default 3 worker replicas from the same build', () => {
    expect(services.api.deploy?.replicas).toBe(2);
    expect(replicaDefault(services.worker.deploy?.replicas)).toBe(3);
    expect(services.api.build).toBe('.');
    expect(services.worker.build).toBe('.');
    expect(services.api.environment).toMatchObject({ IS_WORKER: 'false', NODE_ENV: 'production' });
    expect(services.worker.environment).toMatchObject({ IS_WORKER: 'true', NODE_ENV: 'production' });
    expect(Object.keys(compose.volumes)).toEqual(expect.arrayContaining(['pgdata', 'redisdata', 'artifacts']));
  });

  it('compose redis is persistent and never evicts queue keys', () => {
    expect(services.postgres.image).toMatch(/^postgres:/);
    expect(services.redis.image).toMatch(/^redis:/);
    const command = [services.redis.command ?? ''].flat().join(' ');
    expect(command).toContain('--appendonly yes');
    expect(command).toContain('noeviction');
  });

  it('compose has a healthcheck on postgres, redis, api and worker', () => {
    for (const name of ['postgres', 'redis', 'api', 'worker']) {
      expect({ name, test: services[name].healthcheck?.test }).toEqual({ name, test: expect.anything() });
    }
    expect(JSON.stringify(services.worker.healthcheck?.test)).toContain(':3001/api/health');
  });

  it('compose starts api and worker only once postgres and redis are healthy and migrations ran', () => {
    for (const name of ['api', 'worker']) {
      expect(services[name].depends_on).toMatchObject({
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
        migrate: { condition: 'service_completed_successfully' },
      });
    }
  });

  it('compose gives workers longer to stop than the shutdown timeout', () => {
    const shutdownSeconds = Number(services.worker.environment?.SHUTDOWN_TIMEOUT_MS) / 1000;
    expect(shutdownSeconds).toBe(30);
    expect(toSeconds(services.worker.stop_grace_period ?? '0s')).toBeGreaterThan(shutdownSeconds);
  });

  it('Dockerfile builds on node:24, ships Chromium, a healthcheck and runs dist/main.js', () => {
    const froms = [...dockerfile.matchAll(/^FROM\s+(\S+)/gim)].map((m) => m[1]);
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const image of froms) expect(image).toMatch(/^node:24/);
    expect(dockerfile).toMatch(/apt-get install[^\n]*\bchromium\b/);
    expect(dockerfile).toMatch(/^HEALTHCHECK\s/m);
    expect(dockerfile).toMatch(/^USER\s+node\s*$/m);
    expect(dockerfile).toMatch(/^CMD\s+\["node",\s*"--max-semi-space-size=16",\s*"dist\/main\.js"\]/m);
  });

  it('runs each role with its own Node flags everywhere: package.json, pm2, Docker, compose, Kubernetes and the tests', () => {
    expect(WORKER_NODE_ARGS).not.toEqual(API_NODE_ARGS);
    const [api, worker] = [API_NODE_ARGS.join(' '), WORKER_NODE_ARGS.join(' ')];
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    expect([scripts.start, scripts['start:worker']]).toEqual([
      `node ${api} dist/main.js`,
      `IS_WORKER=true node ${worker} dist/main.js`,
    ]);
    expect(scripts['start:dev']).toContain(`--watch ${api} -r`);
    expect(scripts['start:worker:dev']).toContain(`--watch ${worker} -r`);
    expect(pm2App('api').node_args).toBe(api);
    expect(pm2App('worker').node_args).toBe(worker);
    // The image's CMD is the API's; compose's and Kubernetes' worker give the worker's.
    expect(dockerfile).toContain(
      `CMD ["node", ${API_NODE_ARGS.map((f) => JSON.stringify(f)).join(', ')}, "dist/main.js"]`,
    );
    const workerCommand = ['node', ...WORKER_NODE_ARGS, 'dist/main.js'];
    expect(services.worker.command).toEqual(workerCommand);
    expect(services.api.command).toBeUndefined();
    const k8s = (file: string) =>
      parse(read(`deploy/kubernetes/base/${file}`)) as {
        spec: { template: { spec: { containers: Array<{ name: string; command?: string[] }> } } };
      };
    expect(k8s('worker-deployment.yaml').spec.template.spec.containers[0].command).toEqual(workerCommand);
    expect(k8s('api-deployment.yaml').spec.template.spec.containers[0].command).toBeUndefined();
  });
});
