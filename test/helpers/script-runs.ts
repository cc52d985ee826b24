import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { json } from './json';
import { pollUntil } from './poll';
import type { Stack } from './stack';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from './test-env';

export const FINAL_RUN_STATES = ['passed', 'failed', 'error', 'cancelled', 'timed_out'];

/** A script run body: one spec file (a.spec.ts) unless `files` is given, with the defaults the API fills in. */
export function scriptRun(
  files: string | Record<string, string>,
  extra: {
    name?: string;
    retries?: number;
    timeout?: number;
    env?: Record<string, string>;
    secrets?: string[];
    options?: Record<string, unknown>;
    baseUrl?: string;
    use?: Record<string, unknown>;
  } = {},
) {
  return {
    name: extra.name ?? 'script run',
    ...(extra.baseUrl ? { baseUrl: extra.baseUrl } : {}),
    script: {
      files: typeof files === 'string' ? { 'a.spec.ts': files } : files,
      retries: extra.retries ?? 0,
      timeout: extra.timeout ?? 30000,
      use: extra.use ?? {},
    },
    env: extra.env ?? {},
    secrets: extra.secrets ?? [],
    options: {
      timeoutMs: 60000,
      stepTimeoutMs: 10000,
      video: false,
      trace: 'retain-on-failure',
      screenshots: 'only-on-failure',
      ...extra.options,
    },
    priority: 5,
  };
}

/**
 * Queues a script run on a stack's queue the way the API does (a row, then a job whose id
 * is the row's), so the worker side can be tested on its own.
 */
export async function queueScriptRun(stack: Stack, definition: ReturnType<typeof scriptRun>): Promise<string> {
  const id = randomUUID();
  const db = new Client({ connectionString: TEST_DATABASE_URL });
  await db.connect();
  try {
    await db.query(`INSERT INTO runs (id, name, definition, priority) VALUES ($1, $2, $3, $4)`, [
      id,
      definition.name,
      definition,
      definition.priority,
    ]);
  } finally {
    await db.end();
  }
  const queue = new Queue('test-runs', {
    connection: { url: TEST_REDIS_URL } as never,
    prefix: stack.env.QUEUE_PREFIX,
  });
  try {
    await queue.add('run', { runId: id }, { jobId: id, priority: definition.priority });
  } finally {
    await queue.close();
  }
  return id;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function waitRunEnd(stack: Stack, id: string, timeoutMs = 90000): Promise<any> {
  return pollUntil(
    async () => json(await stack.request(`/api/runs/${id}`)),
    (run) => FINAL_RUN_STATES.includes(run.status),
    timeoutMs,
    `run ${id} ended`,
  );
}
