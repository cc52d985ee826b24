import { json } from './json';
import { pollUntil } from './poll';
import type { Stack } from './stack';

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

/** Posts a script run to the API (POST /api/runs); its id. */
export async function queueScriptRun(stack: Stack, definition: ReturnType<typeof scriptRun>): Promise<string> {
  const res = await stack.request('/api/runs', { body: definition });
  const body = (await res.json()) as { id?: string; message?: unknown };
  if (res.status !== 201) throw new Error(`POST /api/runs answered ${res.status}: ${JSON.stringify(body)}`);
  return body.id!;
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
