import { connect, Socket } from 'node:net';
import { AppProcess } from './helpers/app-process';
import { freePort } from './helpers/free-port';
import { json } from './helpers/json';
import { connectEvents, readSse } from './helpers/live-clients';
import { pollUntil } from './helpers/poll';
import { parseResponse, rawRequest, RawResponse } from './helpers/raw-http';
import { baseEnv, BOARD_PASSWORD, BOARD_USER, TEST_API_KEY } from './helpers/test-env';

const KEY = { 'x-api-key': TEST_API_KEY };
const BASIC = { authorization: `Basic ${Buffer.from(`${BOARD_USER}:${BOARD_PASSWORD}`).toString('base64')}` };
/**
 * Short, so slow clients are cut off while the test waits; the request timeout not so short
 * that a 50 MB upload on a busy machine (or a cold server's first answer) runs into it.
 */
const HEADERS_TIMEOUT_MS = 1500;
const REQUEST_TIMEOUT_MS = 8000;
/**
 * The slow-client tests wait for a cut-off or past it, so they get an API of their own whose
 * request timeout is shorter still; no large body goes to that one.
 */
const SLOW_REQUEST_TIMEOUT_MS = 3000;
/** The longest the test waits for the server to cut a slow client off before calling it a hang. */
const HANG_MS = 20000;

/** Routes that read a JSON body, on each surface: REST, GraphQL, Bull Board's API, a token route. */
const BODY_ROUTES: Array<{ method: string; path: string; headers: Record<string, string> }> = [
  { method: 'POST', path: '/api/runs', headers: KEY },
  { method: 'POST', path: '/api/emails', headers: KEY },
  { method: 'POST', path: '/api/events/tokens', headers: KEY },
  { method: 'POST', path: '/graphql', headers: KEY },
  { method: 'PUT', path: '/api/queues/api/queues/emails/pause', headers: BASIC },
];

/**
 * Writes a request and its body as fast as the socket takes it, reading at the same time,
 * and resolves with what the server answered once it closes or `HANG_MS` passes.
 */
function sendAll(
  port: number,
  head: string,
  body: Buffer,
  chunked: boolean,
): Promise<{ response: RawResponse | undefined; error?: string }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    let error: string | undefined;
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code));
    const timer = setTimeout(() => socket.destroy(), HANG_MS);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ response: parseResponse(received), error });
    });
    socket.write(head);
    const piece = 64 * 1024;
    let offset = 0;
    const pump = () => {
      while (offset < body.length && !socket.destroyed) {
        const slice = body.subarray(offset, offset + piece);
        offset += slice.length;
        const ok = socket.write(
          chunked
            ? Buffer.concat([Buffer.from(`${slice.length.toString(16)}\r\n`), slice, Buffer.from('\r\n')])
            : slice,
        );
        if (!ok) return void socket.once('drain', pump);
      }
      if (chunked && !socket.destroyed) socket.write('0\r\n\r\n');
    };
    pump();
  });
}

/** Opens a connection, writes `head`, then one more byte every 300 ms; resolves with the answer when the server closes it. */
function trickle(
  port: number,
  head: string,
  drip: string,
): Promise<{ response: RawResponse | undefined; cutOff: boolean }> {
  return new Promise((resolve) => {
    const socket: Socket = connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', () => undefined);
    const dripper = setInterval(() => socket.writable && socket.write(drip), 300);
    const hang = setTimeout(() => socket.destroy(), HANG_MS);
    let cutOff = false;
    socket.on('end', () => (cutOff = true));
    socket.on('close', () => {
      clearInterval(dripper);
      clearTimeout(hang);
      resolve({ response: parseResponse(received), cutOff: cutOff || received.length > 0 });
    });
    socket.write(head);
  });
}

describe('HTTP limits: bodies and slow clients', () => {
  let api: AppProcess;
  let port: number;
  let base: string;
  /** The slow clients' API: SLOW_REQUEST_TIMEOUT_MS. */
  let slowApi: AppProcess;
  let slowPort: number;
  let slowBase: string;

  beforeAll(async () => {
    [port, slowPort] = [await freePort(), await freePort()];
    base = `http://127.0.0.1:${port}`;
    slowBase = `http://127.0.0.1:${slowPort}`;
    const env = (appPort: number, requestTimeoutMs: number) =>
      baseEnv({
        APP_PORT: String(appPort),
        HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
        HTTP_REQUEST_TIMEOUT_MS: String(requestTimeoutMs),
        EVENTS_HEARTBEAT_MS: '1000',
        ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
      });
    api = new AppProcess({ env: env(port, REQUEST_TIMEOUT_MS) });
    slowApi = new AppProcess({ env: env(slowPort, SLOW_REQUEST_TIMEOUT_MS) });
    await Promise.all([
      api.waitHealthy(`${base}/api/health`, 60000),
      slowApi.waitHealthy(`${slowBase}/api/health`, 60000),
    ]);
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), slowApi?.stop()]);
  });

  describe('a body that is not JSON', () => {
    it.each(BODY_ROUTES)(
      'is a 415 that says to send content-type: application/json on $method $path',
      async ({ method, path, headers }) => {
        for (const contentType of [
          'text/plain',
          undefined,
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
        ]) {
          const body = contentType?.startsWith('application/x-www') ? 'name=x&steps=1' : '{"name":"x"}';
          const res = await rawRequest(
            port,
            method,
            path,
            { ...headers, ...(contentType ? { 'content-type': contentType } : {}) },
            body,
          );
          expect({ contentType, status: res.status }).toEqual({ contentType, status: 415 });
          expect(JSON.parse(res.body)).toMatchObject({
            statusCode: 415,
            message: expect.stringContaining('send content-type: application/json'),
          });
        }
      },
    );

    it('malformed JSON is a 400 that says the JSON is malformed and where', async () => {
      const res = await rawRequest(
        port,
        'POST',
        '/api/runs',
        { ...KEY, 'content-type': 'application/json' },
        '{"name": "x", ',
      );
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body)).toMatchObject({ message: expect.stringMatching(/^The body is not valid JSON: /) });
      const poisoned = await rawRequest(
        port,
        'POST',
        '/api/runs',
        { ...KEY, 'content-type': 'application/json' },
        '{"__proto__": {"admin": true}}',
      );
      expect(poisoned.status).toBe(400);
      expect(JSON.parse(poisoned.body)).toMatchObject({ message: expect.stringContaining('__proto__') });
    });

    it('a request without a body still needs no content-type, and JSON still works', async () => {
      const cancel = await fetch(`${base}/api/runs/00000000-0000-4000-8000-000000000000/cancel`, {
        method: 'POST',
        headers: KEY,
      });
      expect(cancel.status).toBe(404);
      const gql = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { ...KEY, 'content-type': 'application/json; charset=utf-8' },
        body: '{"query":"{ __typename }"}',
      });
      expect(await json(gql)).toEqual({ data: { __typename: 'Query' } });
    });
  });

  describe('a body over the limit', () => {
    const big = Buffer.alloc(50 * 1024 * 1024, 'a');

    // /graphql answers too (no reset), but Mercurius' error handler turns the 413 into a 500: issue 15 item 6.
    it.each(BODY_ROUTES.filter((r) => r.path !== '/graphql'))(
      'is a 413 the client reads, with Content-Length or chunked, on $method $path',
      async ({ method, path, headers }) => {
        const lines = Object.entries({ ...headers, 'content-type': 'application/json' })
          .map(([k, v]) => `${k}: ${v}\r\n`)
          .join('');
        for (const chunked of [false, true]) {
          const framing = chunked ? 'transfer-encoding: chunked\r\n' : `content-length: ${big.length}\r\n`;
          const { response, error } = await sendAll(
            port,
            `${method} ${path} HTTP/1.1\r\nhost: x\r\n${lines}${framing}\r\n`,
            big,
            chunked,
          );
          expect({ chunked, status: response?.status, error }).toEqual({ chunked, status: 413, error: undefined });
          expect(response!.body).toMatch(/too large/i);
        }
      },
    );
  });

  describe('slow clients', () => {
    it('trickling the headers is cut off with a 408', async () => {
      const { response, cutOff } = await trickle(slowPort, 'GET /api/runs HTTP/1.1\r\nHost: x\r\n', 'x');
      expect(cutOff).toBe(true);
      expect(response?.status).toBe(408);
    });

    it('trickling the body is cut off with a 408', async () => {
      const head = `POST /api/runs HTTP/1.1\r\nHost: x\r\nx-api-key: ${TEST_API_KEY}\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n`;
      const { response, cutOff } = await trickle(slowPort, head, ' ');
      expect(cutOff).toBe(true);
      expect(response?.status).toBe(408);
    });

    it('an SSE stream and a websocket outlive the request timeout', async () => {
      const created = await fetch(`${slowBase}/api/runs`, {
        method: 'POST',
        headers: { ...KEY, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'long stream', steps: [{ action: 'goto', url: 'http://127.0.0.1:9/' }] }),
      });
      const { id } = (await json(created)) as { id: string };
      const sse = await readSse(`${slowBase}/api/runs/${id}/events`);
      const socket = await connectEvents(slowBase);
      let disconnected = false;
      socket.on('disconnect', () => (disconnected = true));
      try {
        expect(sse.status).toBe(200);
        // A heartbeat a second: more of them than the request timeout lasts, on a stream still open.
        await pollUntil(
          async () => sse.comments.length,
          (n) => n >= SLOW_REQUEST_TIMEOUT_MS / 1000 + 3,
          HANG_MS,
          'heartbeats past the request timeout',
        );
        expect(disconnected).toBe(false);
        const ack = (await socket.timeout(5000).emitWithAck('subscribe', { runId: id })) as { ok?: boolean };
        expect(ack).toMatchObject({ ok: true });
      } finally {
        sse.close();
        socket.close();
      }
    });
  });
});
