import { connect } from 'node:net';
import fc from 'fast-check';
import type { Socket } from 'socket.io-client';
import { AppProcess } from './helpers/app-process';
import { freePort } from './helpers/free-port';
import { contentTypes, hostileJson, hostileSegment, mutated, nastyString } from './helpers/hostile';
import { connectEvents } from './helpers/live-clients';
import { baseEnv, BOARD_PASSWORD, TEST_API_KEY } from './helpers/test-env';

/**
 * Generated hostile input against every route of a real API in production mode: bodies,
 * query strings, paths, headers, raw request lines, GraphQL documents and socket.io
 * payloads. Each answer must come within a bound, never be a 5xx and never carry a
 * secret; the process must stay up and healthy. CI runs FUZZ_RUNS (default 60) cases
 * per property; a longer hunt by hand: `FUZZ_RUNS=5000 pnpm test:fuzz`. A failure
 * prints fast-check's seed and the shrunk input: `FUZZ_SEED=<seed>` replays it.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
/** Generous: CI machines are small and busy; a hang is minutes, not seconds. */
const ANSWER_BOUND_MS = 10_000;
const SECOND_KEY = 'second-key-0123456789';
const WEBHOOK_SECRET = 'fuzz-webhook-secret-0123456789';
// A valid body may reach POST /api/secrets: with a key it stores (or 4xx), never the 503 of a missing key.
const SECRETS_KEY = 'ZnV6ei1zZWNyZXRzLWtleS0wMTIzNDU2Nzg5YWJjZGU=';
const SECRETS = [TEST_API_KEY, SECOND_KEY, BOARD_PASSWORD, WEBHOOK_SECRET, SECRETS_KEY];

interface Operation {
  method: string;
  path: string;
  example?: unknown;
}

interface Answer {
  status: number;
  body: string;
}

describe('fuzz: hostile input on every door', () => {
  let api: AppProcess;
  let base = '';
  let port = 0;
  let operations: Operation[] = [];

  beforeAll(async () => {
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    // No worker: accepted work stays queued, which is all the API's doors need.
    api = new AppProcess({
      env: baseEnv({ NODE_ENV: 'production', LOG_LEVEL: 'warn', APP_PORT: String(port), WEBHOOK_SECRET, SECRETS_KEY }),
    });
    await api.waitHealthy(`${base}/api/health`, 60_000);
    const document = (await (
      await fetch(`${base}/api/docs/json`, { headers: { 'x-api-key': TEST_API_KEY } })
    ).json()) as {
      paths: Record<
        string,
        Record<
          string,
          { requestBody?: { content?: Record<string, { example?: unknown; schema?: { example?: unknown } }> } }
        >
      >;
    };
    operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => {
        const json = op.requestBody?.content?.['application/json'];
        return { method: method.toUpperCase(), path, example: json?.example ?? json?.schema?.example };
      }),
    );
    operations.push(
      { method: 'POST', path: '/graphql' },
      { method: 'GET', path: '/graphql' },
      { method: 'GET', path: '/metrics' },
    );
  }, 120_000);

  afterAll(async () => {
    await api?.stop();
  });

  /** One request with a deadline; the body is read (capped) unless it is a stream. */
  async function send(
    method: string,
    path: string,
    init: { headers?: Record<string, string>; body?: string } = {},
  ): Promise<Answer> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), ANSWER_BOUND_MS);
    try {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: init.headers,
        body: init.body,
        signal: controller.signal,
        redirect: 'manual',
      });
      const streaming = res.headers.get('content-type')?.includes('text/event-stream');
      const body = streaming ? '' : (await res.text()).slice(0, 200_000);
      if (streaming) await res.body?.cancel();
      return { status: res.status, body };
    } catch (error) {
      throw new Error(`${method} ${path} did not answer within ${ANSWER_BOUND_MS} ms: ${(error as Error).message}`, {
        cause: error,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  function assertSafe(what: string, answer: Answer): void {
    if (answer.status >= 500) throw new Error(`${what} answered ${answer.status}: ${answer.body.slice(0, 500)}`);
    const leaked = SECRETS.find((secret) => answer.body.includes(secret));
    if (leaked) throw new Error(`${what} answered with a secret in its body`);
  }

  /** `{id}` and other path parameters filled with hostile segments. */
  const concretePath = (template: string) =>
    fc.array(hostileSegment, { minLength: 4, maxLength: 4 }).map((segments) => {
      let i = 0;
      return template.replace(/\{[^}]+\}/g, () => segments[i++ % segments.length] || 'x');
    });

  const query = fc.option(
    fc
      .dictionary(
        fc.constantFrom('status', 'limit', 'cursor', 'suiteId', 'scheduleId', 'window', 'token', 'x'),
        nastyString,
        { maxKeys: 3 },
      )
      .map((params) => {
        const search = new URLSearchParams();
        for (const [k, v] of Object.entries(params)) search.append(k, v);
        return `?${search.toString()}`;
      }),
    { nil: '' },
  );

  const fuzz = (property: fc.IAsyncPropertyWithHooks<never> | fc.IAsyncProperty<never>) =>
    fc.assert(property as fc.IAsyncProperty<unknown[]>, { numRuns: RUNS, seed: SEED, endOnFailure: true });

  afterEach(async () => {
    // After every property: still up, still healthy.
    expect(api.child.exitCode).toBeNull();
    expect((await send('GET', '/api/health')).status).toBe(200);
  });

  it('answers hostile bodies, queries and content types on every operation with a 4xx at worst', async () => {
    await fuzz(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 1_000_000 }).chain((i) => {
          const op = operations[i % operations.length];
          const json = (value: unknown) => JSON.stringify(value) ?? 'null';
          const body = fc.oneof(
            hostileJson.map(json),
            op.example ? mutated(op.example).map(json) : hostileJson.map(json),
            nastyString,
          );
          return fc.tuple(fc.constant(op), concretePath(op.path), query, body, contentTypes);
        }),
        async ([op, path, search, body, type]) => {
          const sendsBody = !['GET', 'HEAD', 'DELETE'].includes(op.method);
          const headers: Record<string, string> = {
            'x-api-key': TEST_API_KEY,
            ...(type ? { 'content-type': type } : {}),
          };
          assertSafe(
            `${op.method} ${path}${search}`,
            await send(op.method, `${path}${search}`, { headers, body: sendsBody ? body : undefined }),
          );
        },
      ) as never,
    );
  }, 600_000);

  it('never serves anything but health and metrics without a key, however the path is spelled', async () => {
    await fuzz(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'),
        fc.array(hostileSegment, { minLength: 1, maxLength: 5 }),
        fc.constantFrom(
          '/',
          '//',
          '/./',
          '/api/',
          '/api//',
          '/API/',
          '/api/queues/',
          '/api/docs/',
          '/api/queues/api/queues/',
        ),
        async (method, segments, prefix) => {
          const path = `${prefix}${segments.join('/')}`;
          const answer = await send(method, path);
          assertSafe(`${method} ${path} without a key`, answer);
          if (answer.status >= 300) return;
          const publicRoute = /^\/api\/health(\/detailed)?$|^\/metrics$/;
          // The dashboard's page is public too, and holds no data: only its empty shell may answer there.
          const dashboardPage = /^\/$|^\/(sign-in|runs|suites|scrapes|schedules|emails|dead-letters)(\/.*)?$/;
          const pathname = new URL(path, base).pathname;
          const isShell = method === 'HEAD' || answer.body.includes('<div id="app"></div>');
          if (dashboardPage.test(pathname) && isShell) return;
          if (/^\/(assets\/[^/]+|favicon\.svg)$/.test(pathname)) return; // its built files
          if (!publicRoute.test(pathname)) {
            throw new Error(`${method} ${path} answered ${answer.status} without a key: ${answer.body.slice(0, 300)}`);
          }
        },
      ) as never,
    );
  }, 600_000);

  it('answers hostile GraphQL documents and variables with a 4xx or errors, never a 5xx', async () => {
    const known = [
      'query { runs(limit: 5) { items { id status } nextCursor } }',
      'query($id: ID!) { run(id: $id) { id status steps { status } } }',
      'mutation($input: TriggerRunInput!) { triggerRun(input: $input) { id status } }',
      'mutation($input: SendEmailInput!) { sendEmail(input: $input) { id status } }',
      'mutation($input: StartScrapeInput!) { startScrape(input: $input) { id status } }',
      'mutation($input: CreateUserInput!) { createUser(input: $input) { id } }',
      'mutation($id: ID!) { cancelRun(id: $id) { id status } }',
      '{ __schema { types { name fields { name } } } }',
    ];
    const document = fc.oneof(
      fc.constantFrom(...known),
      fc
        .tuple(fc.constantFrom(...known), fc.nat(), nastyString)
        .map(([q, at, junk]) => q.slice(0, at % (q.length + 1)) + junk + q.slice(at % (q.length + 1))),
      fc
        .integer({ min: 1, max: 400 })
        .map(
          (depth) => `{ ${'runs(limit: 100) { items { id } } a: '.repeat(1)}${'{'.repeat(depth)}${'}'.repeat(depth)} }`,
        ),
      fc
        .integer({ min: 1, max: 2000 })
        .map((n) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: runs(limit: 100) { items { id } }`).join(' ')} }`),
      nastyString,
    );
    await fuzz(
      fc.asyncProperty(
        document,
        fc.option(hostileJson),
        fc.constantFrom('POST', 'GET'),
        contentTypes,
        fc.boolean(),
        async (query, variables, method, type, batched) => {
          const payload = { query, variables };
          const headers: Record<string, string> = {
            'x-api-key': TEST_API_KEY,
            ...(type ? { 'content-type': type } : {}),
          };
          const answer =
            method === 'GET'
              ? await send(
                  'GET',
                  `/graphql?${new URLSearchParams({ query: String(query), variables: JSON.stringify(variables) ?? '' })}`,
                  { headers: { 'x-api-key': TEST_API_KEY } },
                )
              : await send('POST', '/graphql', {
                  headers,
                  body: JSON.stringify(batched ? [payload, payload] : payload),
                });
          assertSafe(`GraphQL ${method} ${String(query).slice(0, 120)}`, answer);
        },
      ) as never,
    );
  }, 600_000);

  it('answers raw requests with broken lines and headers with a 4xx or a closed connection', async () => {
    const token = fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,12}$/);
    const rawRequest = fc
      .tuple(
        fc.constantFrom('GET', 'POST', 'PUT', 'HEAD', 'OPTIONS', 'DELETE', 'CONNECT', 'TRACE', 'PRI'),
        fc.oneof(
          fc.constantFrom('/api/runs', '/api/queues', '/graphql', `http://127.0.0.1/api/queues`, '*', '/api/health'),
          nastyString.map((s) => `/${s.replace(/[\r\n ]/g, '')}`),
        ),
        fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/9', ''),
        fc.array(
          fc.tuple(
            fc.oneof(
              token,
              fc.constantFrom('Content-Length', 'Transfer-Encoding', 'Host', 'Authorization', 'Content-Type'),
            ),
            nastyString,
          ),
          { maxLength: 4 },
        ),
        nastyString,
      )
      .map(([method, target, version, headers, body]) => {
        const lines = [
          `${method} ${target} ${version}`.trimEnd(),
          'Host: 127.0.0.1',
          'Connection: close',
          ...headers.map(([k, v]) => `${k}: ${v.replace(/[\r\n]/g, '')}`),
        ];
        const bytes = Buffer.from(body);
        return `${lines.join('\r\n')}\r\nContent-Length: ${bytes.length}\r\n\r\n${body}`;
      });
    await fuzz(
      fc.asyncProperty(rawRequest, async (request) => {
        const reply = await new Promise<string>((resolve, reject) => {
          const socket = connect(port, '127.0.0.1');
          let data = '';
          const timer = setTimeout(() => {
            socket.destroy();
            reject(
              new Error(`no answer or close within ${ANSWER_BOUND_MS} ms to ${JSON.stringify(request.slice(0, 300))}`),
            );
          }, ANSWER_BOUND_MS);
          socket.on('data', (d) => (data += d.toString('latin1')));
          socket.on('error', () => undefined);
          socket.on('close', () => {
            clearTimeout(timer);
            resolve(data);
          });
          socket.write(request, 'latin1');
        });
        const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(reply)?.[1] ?? 0);
        assertSafe(`raw ${JSON.stringify(request.slice(0, 200))}`, { status, body: reply });
      }) as never,
    );
  }, 600_000);

  it('keeps socket.io up under hostile events and payloads', async () => {
    // One connection while the server keeps it (a fresh one per case would spend the run on
    // handshakes); a new one after the server drops it, so every case is still sent.
    let socket: Socket | undefined;
    const connected = async (): Promise<Socket> => {
      if (socket?.connected) return socket;
      socket?.close();
      socket = await connectEvents(base);
      return socket;
    };
    /** Events with a handler: each answers in its ack, whatever the payload. */
    const handled = new Set(['subscribe', 'unsubscribe']);
    try {
      await fuzz(
        fc.asyncProperty(
          fc.constantFrom('subscribe', 'unsubscribe', 'message', '__proto__', 'constructor'),
          hostileJson,
          async (event, payload) => {
            const live = await connected();
            // Some payloads answer with an error, some are dropped (no handler, or the
            // connection is closed); either way the server lives.
            const answer = live.timeout(ANSWER_BOUND_MS).emitWithAck(event, payload);
            // An event the server answers at once, sent behind the hostile one: its ack says the
            // server has read past the hostile packet and still serves this connection. Waiting
            // on it, not on a fixed delay, is what an event without a handler (no ack) costs.
            const probe = live.timeout(ANSWER_BOUND_MS).emitWithAck('unsubscribe', {});
            // Without a handler there is no ack to wait for (closing the socket settles it).
            if (!handled.has(event)) answer.catch(() => undefined);
            const settled = await Promise.allSettled(handled.has(event) ? [probe, answer] : [probe]);
            // A rejection is a timeout or a closed connection: only the first is a hang.
            if (settled.some((result) => result.status === 'rejected') && live.connected) {
              throw new Error(
                `socket.io: no answer within ${ANSWER_BOUND_MS} ms on an open connection after ${event} ${JSON.stringify(payload)?.slice(0, 300)}`,
              );
            }
          },
        ) as never,
      );
    } finally {
      socket?.close();
    }
  }, 600_000);
});
