import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Client } from 'pg';
import { parse } from 'yaml';
import { envSchema, parseEnv } from '../src/config/env.schema';
import { AppProcess } from './helpers/app-process';
import { freePort } from './helpers/free-port';
import { K8sObject, readObjects, render } from './helpers/kustomize';
import { pollUntil } from './helpers/poll';
import { TEST_DATABASE_URL, TEST_REDIS_URL, uniquePrefix } from './helpers/test-env';

// No cluster here: the manifests are rendered by a small kustomize (test/helpers/kustomize.ts),
// validated against the Kubernetes (and KEDA) schemas, checked against the app's settings and
// measured memory, and what they run is run: the Job's and init containers' commands against
// PostgreSQL, the probes and the autoscaler's metric against a real API and worker.
const ROOT = join(__dirname, '..');
const K8S = join(ROOT, 'deploy', 'kubernetes');
const COMPONENTS = ['keda', 'hpa-prometheus-adapter', 'unsandboxed-script-runs', 'object-storage'].map((c) =>
  join(K8S, 'components', c),
);

type Probe = { httpGet?: { path: string; port: number | string } };
type Container = {
  name: string;
  image: string;
  command?: string[];
  ports?: Array<{ name?: string; containerPort: number }>;
  env?: Array<{ name: string; value?: string }>;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  startupProbe?: Probe;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  volumeMounts?: Array<{ name: string; mountPath: string }>;
  securityContext?: Record<string, unknown>;
};
type PodSpec = {
  containers: Container[];
  initContainers?: Container[];
  volumes?: Array<Record<string, unknown> & { name: string }>;
  securityContext?: Record<string, unknown>;
  terminationGracePeriodSeconds?: number;
  restartPolicy?: string;
} & Record<string, unknown>;
type Workload = K8sObject & {
  spec: {
    replicas?: number;
    selector?: { matchLabels: Record<string, string> };
    strategy?: { type: string; rollingUpdate?: { maxUnavailable?: number | string } };
    backoffLimit?: number;
    ttlSecondsAfterFinished?: number;
    template: { metadata: { labels: Record<string, string>; annotations?: Record<string, string> }; spec: PodSpec };
  };
};

const find = <T extends K8sObject = Workload>(objects: K8sObject[], kind: string, name: string): T => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`${kind}/${name} not rendered`);
  return o as T;
};
const podSpecs = (objects: K8sObject[]): PodSpec[] =>
  objects.filter((o) => ['Deployment', 'Job'].includes(o.kind)).map((o) => (o as Workload).spec.template.spec);
const containerPort = (c: Container, port: number | string): number =>
  typeof port === 'number' ? port : (c.ports?.find((p) => p.name === port)?.containerPort ?? NaN);
/** A memory quantity in MiB. */
const UNITS: Record<string, number> = { Ki: 1 / 1024, Mi: 1, Gi: 1024, Ti: 1024 * 1024, '': 1 / (1024 * 1024) };
const mib = (q: string): number => {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti)?$/.exec(q);
  if (!m) throw new Error(`unexpected quantity ${q}`);
  return Number(m[1]) * UNITS[m[2] ?? '']!;
};
/** Every value of `key` anywhere in `node`, with its path. */
const allValues = (node: unknown, key: string, path = ''): Array<{ path: string; value: unknown }> => {
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([k, v]) => [
    ...(k === key ? [{ path: `${path}.${k}`, value: v }] : []),
    ...allValues(v, key, `${path}.${k}`),
  ]);
};

/** A figure of BENCHMARKS.md, in MiB, so the requests follow the measurements. */
const benchmarks = readFileSync(join(ROOT, 'BENCHMARKS.md'), 'utf8');
const figure = (pattern: RegExp): number => {
  const m = pattern.exec(benchmarks);
  if (!m) throw new Error(`BENCHMARKS.md no longer has ${pattern}`);
  return Number(m[1]);
};

/** Label matchers of each selector in a PromQL query: metric{label="v", label=~"a|b"}. */
function selectors(query: string): Array<{ metric: string; matchers: Array<[string, string, string]> }> {
  return [...query.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}/g)].map(([, metric, body]) => ({
    metric,
    matchers: [...body.matchAll(/(\w+)\s*(=~|!~|!=|=)\s*"([^"]*)"/g)].map(([, l, op, v]) => [l, op, v]),
  }));
}
/** Samples of an exposition: name and labels. */
function samples(exposition: string): Array<{ name: string; labels: Record<string, string> }> {
  return exposition
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [, name, body = ''] = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})?/.exec(l)!;
      return { name, labels: Object.fromEntries([...body.matchAll(/(\w+)="([^"]*)"/g)].map(([, k, v]) => [k, v])) };
    });
}

describe('Kubernetes manifests (deploy/kubernetes)', () => {
  const base = render(join(K8S, 'base'));
  const example = render(join(K8S, 'overlays', 'example'));
  const withComponents = COMPONENTS.map((c) => ({ component: c, objects: render(join(K8S, 'base'), [c]) }));
  const secretTemplate = readObjects(join(K8S, 'base', 'secret.template.yaml'));
  const everything = [base, example, ...withComponents.map((w) => w.objects), secretTemplate];

  const config = find<K8sObject & { data: Record<string, string> }>(base, 'ConfigMap', 'stevedore-config').data;
  const secret = secretTemplate[0] as K8sObject & { stringData: Record<string, string> };
  /** The template with every placeholder replaced by a value the app accepts. */
  const filledSecret = {
    ...secret.stringData,
    API_KEYS: 'k8s-test-key-0123456789',
    BULL_BOARD_PASSWORD: 'k8s-board-password',
    DATABASE_URL: TEST_DATABASE_URL,
    REDIS_URL: TEST_REDIS_URL,
    SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
  };
  const api = find(base, 'Deployment', 'stevedore-api');
  const worker = find(base, 'Deployment', 'stevedore-worker');
  const apiContainer = api.spec.template.spec.containers[0];
  const workerContainer = worker.spec.template.spec.containers[0];
  const shutdownMs = Number(config.SHUTDOWN_TIMEOUT_MS);
  /** The app's own last resort: it exits SHUTDOWN_TIMEOUT_MS + 15 s after the signal (src/bootstrap.ts). */
  const APP_EXIT_MARGIN_MS = 15_000;

  it('renders what kustomize renders: the overlay namespaces and names the image, the components patch', () => {
    expect(base.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ConfigMap/stevedore-config',
      'Deployment/stevedore-api',
      'Deployment/stevedore-worker',
      'Job/stevedore-migrate',
      'PersistentVolumeClaim/stevedore-artifacts',
      'PodDisruptionBudget/stevedore-api',
      'Service/stevedore-api',
    ]);
    for (const o of base)
      expect({ o: o.metadata.name, namespace: o.metadata.namespace }).toEqual({ o: o.metadata.name });
    for (const o of example)
      expect({ o: `${o.kind}/${o.metadata.name}`, namespace: o.metadata.namespace }).toEqual({
        o: `${o.kind}/${o.metadata.name}`,
        namespace: o.kind === 'Namespace' ? undefined : 'stevedore',
      });
    const images = podSpecs(example).flatMap((p) => [...p.containers, ...(p.initContainers ?? [])].map((c) => c.image));
    expect(new Set(images)).toEqual(new Set(['registry.example.com/stevedore:0.1.0']));
    expect(find(example, 'Deployment', 'stevedore-worker').spec.replicas).toBeUndefined();
    expect(find(example, 'ScaledObject', 'stevedore-worker')).toBeDefined();
    // The example keeps artifacts in a bucket (components/object-storage): no claim to provision.
    expect(example.filter((o) => o.kind === 'PersistentVolumeClaim')).toEqual([]);
  });

  it('every object validates against its Kubernetes or KEDA schema (kubernetes-models)', () => {
    const objects = everything.flat();
    const result = spawnSync(process.execPath, [join(__dirname, 'helpers', 'k8s-schemas.mjs')], {
      input: JSON.stringify(objects),
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ validated: objects.length, errors: [] });
  });

  it('the ConfigMap and the Secret hold real settings; the template as shipped stops the app', () => {
    for (const key of [...Object.keys(config), ...Object.keys(secret.stringData)])
      expect({ key, known: key in envSchema.shape }).toEqual({ key, known: true });
    expect(() => parseEnv({ ...config, ...filledSecret })).not.toThrow();
    // A forgotten placeholder must not run with a known key: the app refuses it at start.
    expect(() => parseEnv({ ...config, ...secret.stringData })).toThrow(/API_KEYS.*SECRETS_KEY/);
    expect(secret.stringData).toMatchObject({
      API_KEYS: expect.stringContaining('REPLACE_ME'),
      SECRETS_KEY: expect.stringContaining('REPLACE_ME'),
      DATABASE_URL: expect.stringContaining('REPLACE_ME'),
    });
    // Every pod reads exactly this ConfigMap and this Secret.
    for (const spec of podSpecs(base))
      for (const c of [...spec.containers, ...(spec.initContainers ?? [])])
        expect(c.envFrom).toEqual([
          { configMapRef: { name: 'stevedore-config' } },
          { secretRef: { name: secret.metadata.name } },
        ]);
  });

  it('the migration Job runs the image’s migration command, retried a few times and cleaned up', () => {
    const job = find(base, 'Job', 'stevedore-migrate');
    const compose = parse(readFileSync(join(ROOT, 'docker-compose.prod.yml'), 'utf8')) as {
      services: { migrate: { command: string[] } };
    };
    expect(job.spec.template.spec.containers[0].command).toEqual(compose.services.migrate.command);
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    expect(job.spec.backoffLimit).toBeGreaterThanOrEqual(1);
    expect(job.spec.backoffLimit).toBeLessThanOrEqual(6);
    expect(job.spec.ttlSecondsAfterFinished).toBeGreaterThan(0);
  });

  it('gives API and workers longer to stop than SHUTDOWN_TIMEOUT_MS, which outlasts a run', () => {
    expect(shutdownMs).toBeGreaterThanOrEqual(Number(config.TEST_EXECUTION_TIMEOUT_MS));
    const workerGraceMs = worker.spec.template.spec.terminationGracePeriodSeconds! * 1000;
    expect(workerGraceMs).toBeGreaterThan(shutdownMs);
    expect(workerGraceMs).toBeGreaterThan(shutdownMs + APP_EXIT_MARGIN_MS);
    const preStop = apiContainer.lifecycle?.preStop?.exec?.command ?? [];
    expect(preStop[0]).toBe('sleep');
    expect(api.spec.template.spec.terminationGracePeriodSeconds! * 1000).toBeGreaterThan(
      Number(preStop[1]) * 1000 + shutdownMs + APP_EXIT_MARGIN_MS,
    );
  });

  it('probes GET /api/health on APP_PORT (API) and APP_WORKER_PORT (worker), as do the Service and scrapes', () => {
    for (const [deployment, port] of [
      [api, Number(config.APP_PORT)],
      [worker, Number(config.APP_WORKER_PORT)],
    ] as const) {
      const c = deployment.spec.template.spec.containers[0];
      for (const probe of [c.startupProbe, c.readinessProbe, c.livenessProbe]) {
        expect(probe?.httpGet?.path).toBe('/api/health');
        expect(containerPort(c, probe!.httpGet!.port)).toBe(port);
      }
      expect(deployment.spec.template.metadata.annotations?.['prometheus.io/port']).toBe(String(port));
    }
    const service = find<K8sObject & { spec: { ports: Array<{ targetPort: number | string }> } }>(
      base,
      'Service',
      'stevedore-api',
    );
    expect(service.spec.ports.map((p) => containerPort(apiContainer, p.targetPort))).toEqual([Number(config.APP_PORT)]);
    expect(apiContainer.env).toEqual([{ name: 'IS_WORKER', value: 'false' }]);
    expect(workerContainer.env).toContainEqual({ name: 'IS_WORKER', value: 'true' });
  });

  it('the Service and the PodDisruptionBudget select the API pods and only them', () => {
    const apiLabels = api.spec.template.metadata.labels;
    const workerLabels = worker.spec.template.metadata.labels;
    const selects = (selector: Record<string, string>, labels: Record<string, string>) =>
      Object.entries(selector).every(([k, v]) => labels[k] === v);
    const service = find<K8sObject & { spec: { selector: Record<string, string> } }>(base, 'Service', 'stevedore-api');
    const pdb = find<K8sObject & { spec: { minAvailable: number; selector: { matchLabels: Record<string, string> } } }>(
      base,
      'PodDisruptionBudget',
      'stevedore-api',
    );
    for (const selector of [service.spec.selector, pdb.spec.selector.matchLabels]) {
      expect(selects(selector, apiLabels)).toBe(true);
      expect(selects(selector, workerLabels)).toBe(false);
    }
    expect(pdb.spec.minAvailable).toBe(1);
    expect(api.spec.replicas).toBeGreaterThanOrEqual(2);
    expect(api.spec.strategy).toMatchObject({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0 } });
    for (const d of [api, worker])
      expect(selects(d.spec.selector!.matchLabels, d.spec.template.metadata.labels)).toBe(true);
  });

  it('mounts a memory-backed, bounded /dev/shm in the worker for Chromium', () => {
    const mount = workerContainer.volumeMounts?.find((m) => m.mountPath === '/dev/shm');
    const volume = worker.spec.template.spec.volumes?.find((v) => v.name === mount?.name);
    expect(volume?.emptyDir).toEqual({ medium: 'Memory', sizeLimit: expect.any(String) });
    // Above the runtimes' 64 MiB default that crashes Chromium, within the container's memory limit.
    const size = mib((volume!.emptyDir as { sizeLimit: string }).sizeLimit);
    expect(size).toBeGreaterThan(64);
    expect(size).toBeLessThan(mib(workerContainer.resources!.limits!.memory));
  });

  it('never runs privileged, and every pod meets the restricted Pod Security Standard', () => {
    for (const objects of everything)
      expect(allValues(objects, 'privileged').filter((v) => v.value !== false)).toEqual([]);
    for (const objects of [base, example, ...withComponents.map((w) => w.objects)])
      for (const spec of podSpecs(objects)) {
        expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
        // The image's USER is a name; runAsNonRoot needs a number to check.
        expect(spec.securityContext?.runAsUser).toBe(1000);
        for (const field of ['hostNetwork', 'hostPID', 'hostIPC', 'hostUsers']) expect(spec[field]).toBeUndefined();
        for (const volume of spec.volumes ?? [])
          expect(Object.keys(volume).filter((k) => k !== 'name')).toEqual([
            expect.stringMatching(/^(emptyDir|configMap|secret|persistentVolumeClaim|projected|downwardAPI)$/),
          ]);
        for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
          expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
          expect(c.securityContext).not.toHaveProperty('capabilities.add');
          expect(c.securityContext).not.toHaveProperty('procMount');
          expect(c.securityContext).not.toHaveProperty('seccompProfile');
          expect(c.securityContext).not.toHaveProperty('appArmorProfile');
        }
      }
  });

  it('requests and limits follow the measured memory (BENCHMARKS.md) at WORKER_CONCURRENCY', () => {
    const concurrency = Number(config.WORKER_CONCURRENCY);
    const idleApi = figure(/\| RSS of an idle API \| ([\d.]+) MiB/);
    const idleWorker = figure(/\| RSS of an idle worker, no browser \| ([\d.]+) MiB/);
    const warm = figure(/warm \(browser and a prepared context\)\s+([\d.]+) MiB/);
    const perRunPeak = figure(/\| PSS added per concurrent run, at the peak \| ([\d.]+) MiB/);
    const perScriptRun = figure(/\| PSS added per concurrent script run \(same\) \| ([\d.]+) MiB/);
    const crawlPeak = figure(/\| worker peak RSS over the crawls \(VmHWM\)[^|]*\| ([\d.]+) MiB/);
    const { requests, limits } = workerContainer.resources!;
    expect(mib(requests!.memory)).toBeGreaterThanOrEqual(warm + concurrency * perRunPeak);
    expect(mib(limits!.memory)).toBeGreaterThanOrEqual(warm + concurrency * perScriptRun + (crawlPeak - idleWorker));
    expect(mib(apiContainer.resources!.requests!.memory)).toBeGreaterThanOrEqual(idleApi);
    expect(mib(apiContainer.resources!.limits!.memory)).toBeGreaterThan(mib(apiContainer.resources!.requests!.memory));
  });

  it('KEDA scales the worker Deployment on test runs waiting or running, within RUNNING_CAPACITY', () => {
    const objects = withComponents.find((w) => w.component.endsWith('keda'))!.objects;
    const scaled = find<IScaledObject & K8sObject>(objects, 'ScaledObject', 'stevedore-worker');
    const target = scaled.spec.scaleTargetRef;
    expect(find(objects, target.kind ?? 'Deployment', target.name)).toBe(
      find(objects, 'Deployment', 'stevedore-worker'),
    );
    expect(find(objects, 'Deployment', 'stevedore-worker').spec.replicas).toBeUndefined();
    expect(scaled.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
    expect(scaled.spec.maxReplicaCount).toBeGreaterThan(scaled.spec.minReplicaCount!);
    expect(scaled.spec.cooldownPeriod).toBeGreaterThan(0);
    expect(scaled.spec.maxReplicaCount! * Number(config.WORKER_CONCURRENCY)).toBeLessThanOrEqual(
      Number(config.RUNNING_CAPACITY),
    );
    const [trigger] = scaled.spec.triggers;
    expect(trigger).toMatchObject({ type: 'prometheus', metricType: 'AverageValue' });
    expect(trigger.metadata.threshold).toBe(config.WORKER_CONCURRENCY);
    expect(selectors(trigger.metadata.query)).toEqual([
      {
        metric: 'stevedore_queue_jobs',
        matchers: [
          ['queue', '=', 'test-runs'],
          ['state', '=~', 'waiting|active'],
        ],
      },
    ]);
  });

  it('the prometheus-adapter alternative scales the same Deployment on the same query', () => {
    const objects = withComponents.find((w) => w.component.endsWith('hpa-prometheus-adapter'))!.objects;
    const hpa = find<K8sObject & { spec: IHorizontalPodAutoscaler['spec'] & object }>(
      objects,
      'HorizontalPodAutoscaler',
      'stevedore-worker',
    );
    expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: 'stevedore-worker' });
    expect(find(objects, 'Deployment', 'stevedore-worker').spec.replicas).toBeUndefined();
    const rules = parse(
      readFileSync(join(K8S, 'components', 'hpa-prometheus-adapter', 'prometheus-adapter-rules.yaml'), 'utf8'),
    ) as { externalRules: Array<{ name: { as: string }; metricsQuery: string }> };
    const keda = find<IScaledObject & K8sObject>(
      render(join(K8S, 'base'), [COMPONENTS[0]]),
      'ScaledObject',
      'stevedore-worker',
    );
    expect(rules.externalRules[0].metricsQuery).toBe(keda.spec.triggers[0].metadata.query);
    expect(hpa.spec.metrics?.[0].external?.metric.name).toBe(rules.externalRules[0].name.as);
    expect(hpa.spec.metrics?.[0].external?.target.averageValue).toBe(config.WORKER_CONCURRENCY);
  });

  describe('components/object-storage: artifacts in a bucket, each pod staging on its own emptyDir', () => {
    const objects = withComponents.find((w) => w.component.endsWith('object-storage'))!.objects;
    const configOf = (rendered: K8sObject[]) =>
      find<K8sObject & { data: Record<string, string> }>(rendered, 'ConfigMap', 'stevedore-config').data;
    const s3Config = configOf(objects);
    /** The volume mounted at ARTIFACTS_DIR in a Deployment's main container. */
    const artifactsVolume = (rendered: K8sObject[], name: string) => {
      const spec = find(rendered, 'Deployment', name).spec.template.spec;
      const mount = spec.containers[0].volumeMounts?.find((m) => m.mountPath === s3Config.ARTIFACTS_DIR);
      return spec.volumes?.filter((v) => v.name === mount?.name);
    };

    it('removes the PersistentVolumeClaim, and nothing claims it', () => {
      expect(base.filter((o) => o.kind === 'PersistentVolumeClaim')).toHaveLength(1);
      for (const rendered of [objects, example]) {
        expect(rendered.filter((o) => o.kind === 'PersistentVolumeClaim')).toEqual([]);
        expect(allValues(rendered, 'persistentVolumeClaim')).toEqual([]);
      }
    });

    it('gives the API and every worker an emptyDir at ARTIFACTS_DIR, the worker’s sized for its runs', () => {
      for (const rendered of [objects, example])
        for (const name of ['stevedore-api', 'stevedore-worker'])
          expect({ name, volumes: artifactsVolume(rendered, name) }).toEqual({
            name,
            volumes: [{ name: 'artifacts', emptyDir: { sizeLimit: expect.any(String) } }],
          });
      // A worker stages at most WORKER_CONCURRENCY script runs' files, each run's capped by
      // SCRIPT_DISK_MB; past sizeLimit the kubelet evicts the pod.
      const env = parseEnv({
        ...s3Config,
        ...filledSecret,
        ARTIFACTS_S3_BUCKET: 'artifacts',
        ARTIFACTS_S3_ENDPOINT: '',
      });
      const staging = (name: string) =>
        mib((artifactsVolume(objects, name)![0].emptyDir as { sizeLimit: string }).sizeLimit);
      expect(staging('stevedore-worker')).toBeGreaterThanOrEqual(env.WORKER_CONCURRENCY * env.SCRIPT_DISK_MB);
      expect(staging('stevedore-api')).toBeLessThan(staging('stevedore-worker'));
    });

    it('sets the bucket’s settings in the ConfigMap and its credentials in the Secret, all known to the app', () => {
      expect(Object.keys(config)).not.toContain('ARTIFACTS_S3_BUCKET');
      expect(s3Config).toMatchObject({
        ARTIFACTS_S3_BUCKET: expect.any(String),
        ARTIFACTS_S3_ENDPOINT: expect.any(String),
      });
      for (const key of Object.keys(s3Config))
        expect({ key, known: key in envSchema.shape }).toEqual({ key, known: true });
      // Every ARTIFACTS_S3_ setting of the app is in exactly one of them, the secret one in the Secret.
      const s3Keys = (o: Record<string, string>) => Object.keys(o).filter((k) => k.startsWith('ARTIFACTS_S3_'));
      expect([...s3Keys(s3Config), ...s3Keys(secret.stringData)].sort()).toEqual(
        Object.keys(envSchema.shape)
          .filter((k) => k.startsWith('ARTIFACTS_S3_'))
          .sort(),
      );
      expect(s3Keys(secret.stringData).sort()).toEqual([
        'ARTIFACTS_S3_ACCESS_KEY_ID',
        'ARTIFACTS_S3_SECRET_ACCESS_KEY',
      ]);
    });

    it('as shipped, and in the example overlay, the app refuses to start until the bucket and endpoint are set', () => {
      for (const shipped of [s3Config, configOf(example)]) {
        expect(shipped.ARTIFACTS_S3_BUCKET).toBe('REPLACE_ME');
        expect(() => parseEnv({ ...shipped, ...filledSecret })).toThrow(/ARTIFACTS_S3_ENDPOINT/);
        expect(() => parseEnv({ ...shipped, ...filledSecret })).toThrow(/ARTIFACTS_S3_BUCKET/);
      }
      // Filled in, the bucket is used (an empty ARTIFACTS_S3_BUCKET would keep files in each pod).
      const filled = parseEnv({
        ...s3Config,
        ...filledSecret,
        ARTIFACTS_S3_BUCKET: 'stevedore-artifacts',
        ARTIFACTS_S3_ENDPOINT: 'https://minio.example.internal:9000',
      });
      expect(filled).toMatchObject({
        ARTIFACTS_S3_BUCKET: 'stevedore-artifacts',
        ARTIFACTS_DIR: s3Config.ARTIFACTS_DIR,
      });
    });
  });

  it('script runs without a sandbox only by an explicit component', () => {
    expect(config.SCRIPT_SANDBOX).toBe('auto');
    const objects = withComponents.find((w) => w.component.endsWith('unsandboxed-script-runs'))!.objects;
    expect(
      find<K8sObject & { data: Record<string, string> }>(objects, 'ConfigMap', 'stevedore-config').data,
    ).toMatchObject({ SCRIPT_SANDBOX: 'off' });
  });

  describe('what the manifests run', () => {
    const processes: AppProcess[] = [];
    const children: ChildProcess[] = [];
    const artifacts = mkdtempSync(join(tmpdir(), 'stevedore-k8s-'));
    const schemaUrl = Object.assign(new URL(TEST_DATABASE_URL), {
      pathname: `${new URL(TEST_DATABASE_URL).pathname}_k8s_schema`,
    }).toString();
    const admin = () =>
      new Client({ connectionString: Object.assign(new URL(TEST_DATABASE_URL), { pathname: '/postgres' }).toString() });
    const dbName = new URL(schemaUrl).pathname.slice(1);

    afterAll(async () => {
      await Promise.all(processes.map((p) => p.stop()));
      for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
      const client = admin();
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      await client.end();
      rmSync(artifacts, { recursive: true, force: true });
    });

    /** The command of a container, run here as the image runs it (its WORKDIR holds dist/ and node_modules/). */
    const run = (command: string[], env: Record<string, string>) => {
      const child = spawn(command[0] === 'node' ? process.execPath : command[0], command.slice(1), {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      let output = '';
      child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      return { output: () => output, exited, running: () => child.exitCode === null };
    };

    it('the init containers wait for the migration Job, which migrates an empty database', async () => {
      const [apiInit, workerInit] = [api, worker].map((d) => d.spec.template.spec.initContainers?.[0]);
      expect(apiInit?.command).toEqual(workerInit?.command);
      const client = admin();
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      await client.query(`CREATE DATABASE "${dbName}"`);
      await client.end();

      // On the migrated test database it has nothing to wait for.
      const ready = run(apiInit!.command!, { ...config, ...filledSecret });
      expect(await ready.exited).toBe(0);

      // On an empty one it waits, saying why, until the Job's own command has run.
      const waiting = run(apiInit!.command!, { ...config, ...filledSecret, DATABASE_URL: schemaUrl });
      await pollUntil(
        async () => waiting.output(),
        (out) => out.includes('Waiting for'),
        20000,
        'the init container saying it waits',
      );
      expect(waiting.running()).toBe(true);
      const job = find(base, 'Job', 'stevedore-migrate').spec.template.spec.containers[0];
      const migrate = spawnSync(process.execPath, job.command!.slice(1), {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', ...config, ...filledSecret, DATABASE_URL: schemaUrl },
        encoding: 'utf8',
      });
      expect({ status: migrate.status, stderr: migrate.stderr }).toEqual({ status: 0, stderr: '' });
      expect(await waiting.exited).toBe(0);
    }, 90000);

    it('the probes answer 200 on a real API and worker started with the ConfigMap, and /metrics has the autoscaler’s series', async () => {
      const [apiPort, workerPort] = [await freePort(), await freePort()];
      // The ConfigMap and Secret as the pods get them; only what this machine needs differs.
      const env = {
        ...config,
        ...filledSecret,
        QUEUE_PREFIX: uniquePrefix(),
        APP_PORT: String(apiPort),
        APP_WORKER_PORT: String(workerPort),
        ARTIFACTS_DIR: artifacts,
        // The e2e files share one database: a reconciler would take another file's rows (test-env.ts).
        RECONCILE_INTERVAL_MS: '0',
      };
      const envOf = (c: Container) => Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value ?? 'k8s-test-pod']));
      const apiProcess = new AppProcess({ env: { ...env, ...envOf(apiContainer) } });
      const workerProcess = new AppProcess({ env: { ...env, ...envOf(workerContainer) } });
      processes.push(apiProcess, workerProcess);
      const portOf = { [config.APP_PORT]: apiPort, [config.APP_WORKER_PORT]: workerPort };
      await Promise.all([
        apiProcess.waitHealthy(`http://127.0.0.1:${apiPort}/api/health`),
        workerProcess.waitHealthy(`http://127.0.0.1:${workerPort}/api/health`),
      ]);

      for (const c of [apiContainer, workerContainer])
        for (const probe of [c.startupProbe, c.readinessProbe, c.livenessProbe]) {
          const port = portOf[String(containerPort(c, probe!.httpGet!.port))];
          const res = await fetch(`http://127.0.0.1:${port}${probe!.httpGet!.path}`);
          expect({ container: c.name, status: res.status }).toEqual({ container: c.name, status: 200 });
        }

      const scaled = find<IScaledObject & K8sObject>(
        render(join(K8S, 'base'), [COMPONENTS[0]]),
        'ScaledObject',
        'stevedore-worker',
      );
      const exposition = await (await fetch(`http://127.0.0.1:${apiPort}/metrics`)).text();
      for (const { metric, matchers } of selectors(scaled.spec.triggers[0].metadata.query)) {
        // The series the exact matchers select, then each value a regex matcher names (each of
        // its alternatives) among them: a misspelt queue, state or metric finds nothing.
        const exact = matchers.filter(([, op]) => op === '=');
        const series = samples(exposition).filter(
          (s) => s.name === metric && exact.every(([label, , value]) => s.labels[label] === value),
        );
        expect({ metric, exact, found: series.length > 0 }).toEqual({ metric, exact, found: true });
        for (const [label, , alternatives] of matchers.filter(([, op]) => op === '=~'))
          for (const value of alternatives.split('|'))
            expect({ label, value, exported: series.some((s) => s.labels[label] === value) }).toEqual({
              label,
              value,
              exported: true,
            });
      }
    }, 180000);
  });
});
