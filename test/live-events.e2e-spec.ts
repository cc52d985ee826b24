import type { Socket } from 'socket.io-client';
import { AppProcess } from './helpers/app-process';
import { freePort } from './helpers/free-port';
import { json } from './helpers/json';
import { collectSocket, connectEvents, readSse, Received, subscribeGraphql, summary } from './helpers/live-clients';
import { baseEnv, TEST_API_KEY } from './helpers/test-env';
import { LOGIN_PAGE, TestSite, WELCOME_PAGE } from './helpers/test-site';

const UNKNOWN = '8f14e45f-ceea-4a7e-9e1f-6f5a4c2b1d00';
const PASSING_STEPS = [
  { action: 'goto', url: '/login' },
  { action: 'fill', selector: '#email', value: 'a@example.com' },
  { action: 'click', selector: "role=button[name='Sign in']" },
  { action: 'expectText', selector: 'h1', text: 'Welcome' },
  { action: 'screenshot', name: 'signed-in' },
];
const PASSED_STREAM = [
  'updated:queued',
  'updated:running',
  'step:0:passed',
  'step:1:passed',
  'step:2:passed',
  'step:3:passed',
  'step:4:passed',
  'updated:passed',
];

/**
 * Live status on all three surfaces (socket.io, SSE, GraphQL subscriptions) with real
 * clients, two API processes and one worker: each client, on either API, sees the run
 * that the worker executes, in order.
 */
describe('live events', () => {
  let site: TestSite;
  const env = baseEnv({ ALLOWED_PRIVATE_HOSTS: '127.0.0.1', EVENTS_HEARTBEAT_MS: '1000' });
  const apis: AppProcess[] = [];
  const bases: string[] = [];
  let worker: AppProcess | undefined;
  const sockets: Socket[] = [];

  const request = (base: string, path: string, body?: unknown) =>
    fetch(`${base}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'x-api-key': TEST_API_KEY, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const trigger = async (name: string, steps: unknown[]) => {
    const res = await request(bases[0], '/api/runs', {
      name,
      baseUrl: site.base,
      steps,
      options: { stepTimeoutMs: 2000 },
    });
    expect(res.status).toBe(201);
    return (await json(res)).id as string;
  };
  const socketOn = async (base: string) => {
    const socket = await connectEvents(base);
    sockets.push(socket);
    return socket;
  };
  const startWorker = async () => {
    if (worker) return;
    const port = await freePort();
    worker = new AppProcess({ env: { ...env, IS_WORKER: 'true', APP_WORKER_PORT: String(port) } });
    await worker.waitHealthy(`http://127.0.0.1:${port}/api/health`);
  };

  beforeAll(async () => {
    site = await new TestSite({ '/login': LOGIN_PAGE, '/welcome': WELCOME_PAGE }).start();
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      apis.push(new AppProcess({ env: { ...env, APP_PORT: String(port) } }));
      bases.push(`http://127.0.0.1:${port}`);
    }
    await Promise.all(apis.map((api, i) => api.waitHealthy(`${bases[i]}/api/health`)));
  });

  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await Promise.all([...apis.map((a) => a.stop()), worker?.stop()]);
    await site?.stop();
  });

  it('refuses a client without a valid API key on every surface', async () => {
    await expect(connectEvents(bases[0], {})).rejects.toThrow(/API key is required/);
    await expect(connectEvents(bases[0], { token: 'wrong-key-0123456789' })).rejects.toThrow(/not valid/);
    const sse = await readSse(`${bases[0]}/api/runs/${UNKNOWN}/events`, {});
    expect(sse.status).toBe(401);
    await expect(subscribeGraphql(bases[0], UNKNOWN, {}).done).rejects.toThrow(/closed 4403: Forbidden/);
    await expect(subscribeGraphql(bases[0], UNKNOWN, { 'x-api-key': 'wrong-key-0123456789' }).done).rejects.toThrow(
      /closed 4403: Forbidden/,
    );
  });

  it('answers an unknown or malformed run id with a clear error', async () => {
    const socket = await socketOn(bases[0]);
    expect(await socket.emitWithAck('subscribe', { runId: UNKNOWN })).toEqual({
      ok: false,
      error: { status: 404, message: `Run ${UNKNOWN} not found` },
    });
    expect(await socket.emitWithAck('subscribe', { runId: 'nope' })).toEqual({
      ok: false,
      error: { status: 400, message: 'runId must be a UUID' },
    });
    expect(await socket.emitWithAck('subscribe', {})).toMatchObject({ ok: false, error: { status: 400 } });
    const sse = await readSse(`${bases[0]}/api/runs/${UNKNOWN}/events`);
    expect([sse.status, JSON.parse(sse.body).message]).toEqual([404, `Run ${UNKNOWN} not found`]);
    await expect(subscribeGraphql(bases[1], UNKNOWN).done).rejects.toThrow(`Run ${UNKNOWN} not found`);
  });

  it('streams queued → running → each step → passed to every surface on both API instances', async () => {
    const id = await trigger('live passing', PASSING_STEPS);
    // Subscribed while the run waits (no worker yet), so every client sees it from queued.
    const onFirst = collectSocket(await socketOn(bases[0]));
    const onSecond = collectSocket(await socketOn(bases[1]));
    expect(await sockets.at(-2)!.emitWithAck('subscribe', { runId: id })).toEqual({ ok: true, kind: 'run', id });
    expect(await sockets.at(-1)!.emitWithAck('subscribe', { runId: id })).toEqual({ ok: true, kind: 'run', id });
    const sse = await readSse(`${bases[1]}/api/runs/${id}/events`);
    expect([sse.status, sse.contentType]).toEqual([200, 'text/event-stream; charset=utf-8']);
    const gql = subscribeGraphql(bases[1], id);

    await startWorker();
    const isEnd = (e: Received) => e.event === 'run.updated' && e.data.status === 'passed';
    const [first, second] = await Promise.all([onFirst.until(isEnd), onSecond.until(isEnd), sse.finished, gql.done]);

    expect(first.map(summary)).toEqual(PASSED_STREAM);
    expect(second.map(summary)).toEqual(PASSED_STREAM);
    expect(sse.events.map(summary)).toEqual([...PASSED_STREAM, 'end']);
    // The stream stayed open while the worker started: heartbeat comments kept it alive.
    expect(sse.comments.length).toBeGreaterThanOrEqual(1);
    const gqlStream = gql.results.map(({ data }) => {
      const u = data!.runUpdated as {
        event: string;
        run: { status: string } | null;
        step: { index: number; status: string } | null;
      };
      return u.event === 'run.step' ? `step:${u.step!.index}:${u.step!.status}` : `updated:${u.run!.status}`;
    });
    expect(gqlStream).toEqual(PASSED_STREAM);

    const final = first.at(-1)!.data as {
      status: string;
      steps: unknown[];
      artifacts: Array<{ name: string; url: string }>;
    };
    expect(final.steps).toHaveLength(5);
    expect(final.artifacts.map((a) => a.name)).toContain('signed-in.png');
    const step = first.find((e) => e.event === 'run.step')!.data;
    expect(step).toMatchObject({ runId: id, attempt: 1, index: 0, action: 'goto', status: 'passed', error: null });
  });

  it('ends a failing run with its failed state and the failing step', async () => {
    await startWorker();
    const socket = await socketOn(bases[0]);
    const got = collectSocket(socket);
    const id = await trigger('live failing', [
      { action: 'goto', url: '/login' },
      { action: 'expectText', selector: 'h1', text: 'Never there' },
    ]);
    const sse = await readSse(`${bases[1]}/api/runs/${id}/events`);
    expect((await socket.emitWithAck('subscribe', { runId: id })).ok).toBe(true);
    const events = await got.until((e) => e.event === 'run.updated' && e.data.status === 'failed');
    await sse.finished;
    for (const stream of [events, sse.events.slice(0, -1)]) {
      const end = stream.at(-1)!;
      expect(end.data).toMatchObject({
        id,
        status: 'failed',
        error: expect.stringContaining('step 1 (expectText) failed'),
      });
      expect((end.data.steps as Array<{ status: string }>).map((s) => s.status)).toEqual(['passed', 'failed']);
      // Statuses never go backwards, and no step is told twice.
      const order = stream
        .filter((e) => e.event === 'run.updated')
        .map((e) => ['queued', 'running', 'failed'].indexOf(e.data.status as string));
      expect(order).toEqual([...order].sort());
      const steps = stream.filter((e) => e.event === 'run.step').map((e) => e.data.index);
      expect(new Set(steps).size).toBe(steps.length);
    }
    expect(sse.events.at(-1)!.event).toBe('end');
  });

  it('gives a client that subscribes after the end the final state at once, then ends', async () => {
    await startWorker();
    const id = await trigger('live late', PASSING_STEPS.slice(0, 1));
    const ended = collectSocket(await socketOn(bases[1]));
    expect((await sockets.at(-1)!.emitWithAck('subscribe', { runId: id })).ok).toBe(true);
    await ended.until((e) => e.event === 'run.updated' && e.data.status === 'passed');

    const late = collectSocket(await socketOn(bases[0]));
    expect(await sockets.at(-1)!.emitWithAck('subscribe', { runId: id })).toEqual({ ok: true, kind: 'run', id });
    expect((await late.until((e) => e.event === 'run.updated', 2000)).map(summary)).toEqual(['updated:passed']);

    const sse = await readSse(`${bases[0]}/api/runs/${id}/events`);
    await sse.finished;
    expect(sse.events.map(summary)).toEqual(['updated:passed', 'end']);

    const gql = subscribeGraphql(bases[0], id);
    await gql.done;
    expect(gql.results.map((r) => (r.data!.runUpdated as { run: { status: string } }).run.status)).toEqual(['passed']);
  });

  it('ends open streams when an API instance stops, and the API exits 0 promptly', async () => {
    // A run that stays queued: the worker is stopped first.
    await worker?.stop();
    const id = await trigger('live shutdown', PASSING_STEPS.slice(0, 1));
    const sse = await readSse(`${bases[1]}/api/runs/${id}/events`);
    const socket = await socketOn(bases[1]);
    expect((await socket.emitWithAck('subscribe', { runId: id })).ok).toBe(true);
    const disconnected = new Promise((resolve) => socket.once('disconnect', resolve));
    const started = Date.now();
    expect(await apis[1].stop()).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(10000);
    await sse.finished;
    expect(sse.events.map(summary)).toEqual(['updated:queued']);
    await disconnected;
  });
});
