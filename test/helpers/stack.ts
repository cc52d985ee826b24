import { AppProcess } from './app-process';
import { freePort } from './free-port';
import { baseEnv, TEST_API_KEY } from './test-env';

/** An API process and a worker process sharing one environment (one queue prefix). */
export class Stack {
  api!: AppProcess;
  worker!: AppProcess;
  base = '';
  workerBase = '';

  constructor(readonly env: Record<string, string> = baseEnv()) {}

  async start(): Promise<this> {
    const [apiPort, workerPort] = [await freePort(), await freePort()];
    this.api = new AppProcess({ env: { ...this.env, APP_PORT: String(apiPort) } });
    this.worker = new AppProcess({ env: { ...this.env, IS_WORKER: 'true', APP_WORKER_PORT: String(workerPort) } });
    this.base = `http://127.0.0.1:${apiPort}`;
    this.workerBase = `http://127.0.0.1:${workerPort}`;
    try {
      await Promise.all([
        this.api.waitHealthy(`${this.base}/api/health`),
        this.worker.waitHealthy(`${this.workerBase}/api/health`),
      ]);
    } catch (error) {
      // A stack that never came up has no owner to stop it: no process may outlive the test.
      await this.stop().catch(() => undefined);
      throw error;
    }
    return this;
  }

  async stop(): Promise<void> {
    await Promise.all([this.api?.stop(), this.worker?.stop()]);
  }

  /** A request to the API with the test key. */
  request(
    path: string,
    init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    return fetch(`${this.base}${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: {
        'x-api-key': TEST_API_KEY,
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...init.headers,
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  }

  /** A GraphQL operation with the test key; returns the HTTP status and the body. */
  async graphql(query: string, variables?: Record<string, unknown>) {
    const res = await this.request('/graphql', { body: { query, variables } });
    return {
      status: res.status,
      ...((await res.json()) as {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        data?: any;
        errors?: Array<{ message: string; extensions: Record<string, unknown> }>;
      }),
    };
  }
}
