import { accessSync, constants } from 'node:fs';
import { z } from 'zod';

/**
 * Every environment variable the platform reads, with its default.
 * `.env.example` mirrors this list; `parseEnv` is the only reader of process.env.
 */
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max: number) => {
  const error = `must be a whole number from ${min} to ${max}`;
  return z.coerce.number({ error }).int({ error }).min(min, { error }).max(max, { error });
};
const fraction = z.coerce
  .number({ error: 'must be a number above 0 and at most 1' })
  .gt(0, { error: 'must be a number above 0 and at most 1' })
  .lte(1, { error: 'must be a number above 0 and at most 1' });
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be one of ${values.join(', ')}` });
const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );
const readableFile = z.string().refine(
  (v) => {
    try {
      accessSync(v, constants.R_OK);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be the path of a readable file' },
);
const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

export const envSchema = z.object({
  NODE_ENV: oneOf(['development', 'production', 'test']).default('development'),
  IS_WORKER: bool.default(false),
  APP_PORT: int(1, 65535).default(3000),
  APP_WORKER_PORT: int(1, 65535).default(3001),
  // pm2 sets it per instance; the worker adds it to APP_WORKER_PORT.
  NODE_APP_INSTANCE: int(0, 1000).default(0),
  // Slow clients: the headers, then the whole request, must arrive within these (408 and closed after).
  HTTP_HEADERS_TIMEOUT_MS: int(1000, 600000).default(10000),
  HTTP_REQUEST_TIMEOUT_MS: int(1000, 3600000).default(30000),
  DATABASE_URL: url(['postgres:', 'postgresql:']).default('postgres://postgres@127.0.0.1:5432/stevedore'),
  // How long a start waits for an unreachable database (refused, unresolved); 0 = not at all.
  DATABASE_CONNECT_TIMEOUT_MS: int(0, 600000).default(30000),
  REDIS_URL: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_{}.-]+$/, 'must be letters, digits, _ . - or a {hash-tag}')
    .default('stevedore'),
  // A Redis Cluster's seed nodes (host:port, comma-separated); empty = the one Redis of REDIS_URL.
  REDIS_CLUSTER_NODES: list
    .pipe(
      z.array(
        z
          .string()
          .regex(/^[^\s:,]+:\d{1,5}$/, 'must list host:port pairs, for example 10.0.0.1:7000,10.0.0.2:7000')
          .transform((v) => {
            const at = v.lastIndexOf(':');
            return { host: v.slice(0, at), port: Number(v.slice(at + 1)) };
          })
          .refine((n) => n.port >= 1 && n.port <= 65535, 'must list ports from 1 to 65535'),
      ),
    )
    .default([]),
  API_KEYS: list.pipe(
    z.array(z.string().min(16, 'each key must be at least 16 characters')).min(1, 'must list at least one key'),
  ),
  BULL_BOARD_USERNAME: z.string().min(1).default('admin'),
  BULL_BOARD_PASSWORD: z.string().min(8, 'must be at least 8 characters'),
  MAIL_HOST: z.string().default(''),
  MAIL_PORT: int(1, 65535).default(587),
  MAIL_USER: z.string().default(''),
  MAIL_PASSWORD: z.string().default(''),
  MAIL_FROM: z.string().min(3).default('Stevedore <noreply@localhost>'),
  MAIL_TIMEOUT_MS: int(1000, 600000).default(30000),
  // With MAIL_USER set, the password only ever goes over TLS unless this says otherwise.
  MAIL_ALLOW_INSECURE_AUTH: bool.default(false),
  // PEM certificate(s) to trust for the SMTP server besides the system's (a private CA).
  MAIL_TLS_CA_FILE: readableFile.optional(),
  WORKER_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]*$/, 'must be letters, digits, _ . : -')
    .default(''),
  WORKER_CONCURRENCY: int(1, 64).default(3),
  SCRAPE_CONCURRENCY: int(1, 256).default(5),
  EMAIL_CONCURRENCY: int(1, 256).default(10),
  // Alert notifications each worker delivers at once (webhooks, Slack, PagerDuty; emails go on to the emails queue).
  ALERT_CONCURRENCY: int(1, 256).default(10),
  EMAIL_RATE_LIMIT: int(0, 100000).default(0),
  LOG_LEVEL: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ARTIFACTS_DIR: z.string().min(1).default('./storage'),
  // Object storage for run artifacts (S3, MinIO, R2...): empty keeps them in ARTIFACTS_DIR, as on one machine.
  ARTIFACTS_S3_BUCKET: z
    .union([
      z.literal(''),
      // S3's bucket naming rule (MinIO and R2 follow it): a placeholder such as REPLACE_ME stops the start.
      z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
        error: 'must be a bucket name: 3 to 63 lowercase letters, digits, dots and hyphens',
      }),
    ])
    .default(''),
  // The S3-compatible server's URL; empty: AWS S3 of ARTIFACTS_S3_REGION.
  ARTIFACTS_S3_ENDPOINT: z.union([z.literal(''), url(['http:', 'https:'])]).default(''),
  ARTIFACTS_S3_REGION: z.string().min(1).default('us-east-1'),
  // Empty key id and secret: the SDK's own credential chain (environment, instance role).
  ARTIFACTS_S3_ACCESS_KEY_ID: z.string().default(''),
  ARTIFACTS_S3_SECRET_ACCESS_KEY: z.string().default(''),
  // Path-style URLs (endpoint/bucket/key), which MinIO and most self-hosted servers need.
  ARTIFACTS_S3_FORCE_PATH_STYLE: bool.default(false),
  // Seconds a download's redirect to storage stays valid; 0: the API streams every download itself.
  ARTIFACTS_S3_REDIRECT_SECONDS: int(0, 604800).default(0),
  // The storage URL clients reach, when it is not ARTIFACTS_S3_ENDPOINT (an in-cluster name); empty: the same.
  ARTIFACTS_S3_PUBLIC_ENDPOINT: z.union([z.literal(''), url(['http:', 'https:'])]).default(''),
  // Days an ended run's artifacts (files, report, rows) are kept; 0: forever. The run's row stays.
  ARTIFACT_RETENTION_DAYS: int(0, 36500).default(0),
  // How often one worker (of all) removes artifacts past ARTIFACT_RETENTION_DAYS.
  ARTIFACT_CLEANUP_INTERVAL_MS: int(1000, 86400000).default(3600000),
  CHROMIUM_PATH: z.string().default(''),
  RUNNING_CAPACITY: int(1, 10000).default(6),
  QUEUED_CAPACITY: int(0, 1000000).default(50),
  // Runs, scrapes and emails wait per project and start one project at a time (false: one shared FIFO queue).
  FAIR_DISPATCH: bool.default(true),
  // Requests per second and burst per project key (a project may set its own); 0: no limit.
  RATE_LIMIT_PER_SECOND: int(0, 1000000).default(100),
  RATE_LIMIT_BURST: int(1, 1000000).default(200),
  // How long a dashboard sign-in lasts (its cookie and its record in Redis), in hours.
  SESSION_TTL_HOURS: int(1, 720).default(12),
  TEST_EXECUTION_TIMEOUT_MS: int(1000, 86400000).default(120000),
  MAX_JOB_DURATION: int(1000, 86400000).default(600000),
  SHUTDOWN_TIMEOUT_MS: int(0, 3600000).default(30000),
  JOB_LOCK_MS: int(1000, 600000).default(30000),
  RECONCILE_INTERVAL_MS: int(0, 3600000).default(30000),
  // The shortest gap a schedule's cron may leave between two ticks (cron cannot go below 1 s).
  SCHEDULE_MIN_INTERVAL_MS: int(1000, 86400000).default(60000),
  // How often each worker judges schedules' newly ended runs for alerts (0: never; alerts then stop).
  MONITOR_SWEEP_MS: int(0, 600000).default(1000),
  // Resolved incidents (and their notifications) are kept this many days.
  MONITOR_RETENTION_DAYS: int(1, 3650).default(90),
  MEMORY_THRESHOLD: fraction.default(0.85),
  WORKER_MEMORY_LIMIT_MB: int(0, 1048576).default(0),
  // How far V8 lets a worker's heap grow past what survived its last full GC, in percent
  // (0: V8's own factor, up to 300 % on a large machine). Not a limit: nothing dies over it.
  WORKER_HEAP_GROWING_PERCENT: int(0, 1000).default(20),
  // A fresh Chromium for step runs after this many runs on one (keeps Chromium's own leaks bounded).
  BROWSER_RECYCLE_RUNS: int(1, 100000).default(100),
  ALLOWED_PRIVATE_HOSTS: list.default([]),
  EVENTS_HEARTBEAT_MS: int(1000, 300000).default(15000),
  SCRAPE_HOST_CONCURRENCY: int(1, 256).default(5),
  SCRAPE_HOST_DELAY_MS: int(0, 60000).default(0),
  SCRAPE_PAGE_TIMEOUT_MS: int(1000, 300000).default(15000),
  SCRAPE_MAX_PAGE_BYTES: int(1024, 1073741824).default(10485760),
  SCRAPE_USER_AGENT: z.string().min(1).max(300).default('StevedoreBot/1.0 (+https://github.com/stevedore/stevedore)'),
  PUBLIC_URL: url(['http:', 'https:']).default('http://localhost:3000'),
  WEBHOOK_TIMEOUT_MS: int(1000, 120000).default(10000),
  WEBHOOK_SECRET: z.string().default(''),
  // 32 bytes (base64 or hex) that encrypt stored secrets; unset: the secrets routes refuse to store any.
  SECRETS_KEY: z
    .string()
    .refine((v) => secretsKeyBytes(v) !== undefined, {
      message: 'must be 32 bytes as base64 (44 characters) or hex (64)',
    })
    .optional(),
  // Script runs: `auto` runs them sandboxed or refuses them; `off` runs them without a sandbox (logged at start).
  SCRIPT_SANDBOX: oneOf(['auto', 'off']).default('auto'),
  SCRIPT_MEMORY_MB: int(64, 1048576).default(1024),
  SCRIPT_DISK_MB: int(1, 1048576).default(512),
  SCRIPT_PROCESS_LIMIT: int(8, 100000).default(128),
  // Tracing: set, each process sends its spans over OTLP/HTTP (JSON) there; unset, no OpenTelemetry code is loaded.
  OTEL_EXPORTER_OTLP_ENDPOINT: url(['http:', 'https:']).optional(),
  // The service.name of this process's spans (default: stevedore-api or stevedore-worker by side).
  OTEL_SERVICE_NAME: z.string().min(1).max(200).optional(),
  // How long finished spans wait to go out in one batch (ms).
  OTEL_BSP_SCHEDULE_DELAY: int(10, 600000).default(5000),
});

/** SECRETS_KEY's 32 bytes, from base64 or hex; undefined when it is neither. */
export function secretsKeyBytes(value: string): Buffer | undefined {
  const bytes = /^[0-9a-fA-F]{64}$/.test(value)
    ? Buffer.from(value, 'hex')
    : /^[A-Za-z0-9+/]{43}=?$/.test(value)
      ? Buffer.from(value, 'base64')
      : undefined;
  return bytes?.length === 32 ? bytes : undefined;
}

export type Env = z.infer<typeof envSchema>;

export class ConfigError extends Error {}

/** Values never repeated in an error message (URLs may carry passwords). */
const SECRET_KEYS = new Set([
  'API_KEYS',
  'BULL_BOARD_PASSWORD',
  'MAIL_USER',
  'MAIL_PASSWORD',
  'DATABASE_URL',
  'REDIS_URL',
  'WEBHOOK_SECRET',
  'SECRETS_KEY',
  'ARTIFACTS_S3_SECRET_ACCESS_KEY',
]);

/** Validates the environment; the error message is one line naming each bad key. */
export function parseEnv(raw: Record<string, string | undefined>): Env {
  // An empty string means "unset" for keys with a default, as in most .env tooling.
  const cleaned = Object.fromEntries(
    Object.entries(raw).filter(([key, v]) => key in envSchema.shape && v !== undefined && v !== ''),
  );
  const result = envSchema.safeParse(cleaned);
  if (result.success) return withClusterPrefix(result.data, 'QUEUE_PREFIX' in cleaned);
  const problems = result.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? '(environment)');
    const value = cleaned[key];
    if (value === undefined) return `${key} is required`;
    return SECRET_KEYS.has(key) ? `${key} ${issue.message}` : `${key} ${issue.message} (got "${value}")`;
  });
  throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
}

/** The default QUEUE_PREFIX on Redis Cluster (PRODUCT.md): every key in one hash slot. */
export const CLUSTER_QUEUE_PREFIX = '{stevedore}';

/**
 * The hash tag Redis Cluster hashes a key by: what is between the first `{` and the first
 * `}` after it, when not empty (the Redis Cluster specification's rule); undefined otherwise.
 */
export function hashTagOf(key: string): string | undefined {
  const open = key.indexOf('{');
  if (open < 0) return undefined;
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : undefined;
}

/**
 * On Redis Cluster every key the platform builds starts with QUEUE_PREFIX, and the Lua
 * scripts (fair layer, capacity, rate limit) and BullMQ's own touch many keys at once:
 * they only run when all of them are in one hash slot, so the prefix must carry a hash
 * tag. Unset, it becomes `{stevedore}`; set without a tag, the start is refused.
 */
function withClusterPrefix(env: Env, prefixGiven: boolean): Env {
  if (env.REDIS_CLUSTER_NODES.length === 0) return env;
  if (!prefixGiven) return { ...env, QUEUE_PREFIX: CLUSTER_QUEUE_PREFIX };
  if (hashTagOf(env.QUEUE_PREFIX) === undefined)
    throw new ConfigError(
      `Invalid configuration: QUEUE_PREFIX must contain a {hash tag} when REDIS_CLUSTER_NODES is set, ` +
        `so that every key is in one cluster slot (got "${env.QUEUE_PREFIX}"; for example {${env.QUEUE_PREFIX}})`,
    );
  return env;
}
