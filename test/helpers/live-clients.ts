import { createClient } from 'graphql-ws';
import { io, Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { TEST_API_KEY } from './test-env';

/** One received live event, as any of the three surfaces delivers it. */
export interface Received {
  event: string;
  data: Record<string, unknown>;
}

/** A socket.io client on /events with the test key (websocket transport only, as behind a load balancer). */
export async function connectEvents(
  base: string,
  auth: Record<string, unknown> = { token: TEST_API_KEY },
): Promise<Socket> {
  const socket = io(`${base}/events`, { transports: ['websocket'], auth, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
  return socket;
}

/** Collects every event a socket gets; `until` resolves when one matches. */
export function collectSocket(socket: Socket): {
  events: Received[];
  until: (done: (e: Received) => boolean, timeoutMs?: number) => Promise<Received[]>;
} {
  const events: Received[] = [];
  const waiters: Array<() => void> = [];
  socket.onAny((event: string, data: Record<string, unknown>) => {
    events.push({ event, data });
    waiters.forEach((w) => w());
  });
  const until = (done: (e: Received) => boolean, timeoutMs = 40000) =>
    new Promise<Received[]>((resolve, reject) => {
      const check = () => events.some(done) && resolve(events);
      const timer = setTimeout(
        () => reject(new Error(`socket events so far: ${JSON.stringify(events.map(summary))}`)),
        timeoutMs,
      );
      waiters.push(() => {
        if (events.some(done)) {
          clearTimeout(timer);
          resolve(events);
        }
      });
      check();
    });
  return { events, until };
}

/** Reads a Server-Sent Events response to its end; `status` is known at once. */
export async function readSse(url: string, headers: Record<string, string> = { 'x-api-key': TEST_API_KEY }) {
  const abort = new AbortController();
  const res = await fetch(url, { headers, signal: abort.signal });
  const events: Received[] = [];
  const comments: string[] = [];
  const finished = (async () => {
    if (!res.ok || !res.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const fields = Object.fromEntries(
            block
              .split('\n')
              .filter((l) => !l.startsWith(':'))
              .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]),
          );
          block
            .split('\n')
            .filter((l) => l.startsWith(':'))
            .forEach((l) => comments.push(l));
          if (fields.event)
            events.push({ event: fields.event, data: JSON.parse(fields.data) as Record<string, unknown> });
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    events,
    comments,
    finished,
    close: () => abort.abort(),
    body: res.ok ? '' : await res.text(),
  };
}

export const RUN_UPDATE_QUERY = `subscription ($id: ID!) { runUpdated(id: $id) { event runId attempt run { id status attempt error steps { index status } } step { index action status error } } }`;

export const SCRAPE_UPDATE_QUERY = `subscription ($id: ID!) { scrapeUpdated(id: $id) { id status pagesDone pagesFailed pagesQueued } }`;

/** A graphql-ws subscription (runUpdated by default); collects each result until the server completes it. */
export function subscribeGraphql(
  base: string,
  id: string,
  connectionParams: Record<string, unknown> = { 'x-api-key': TEST_API_KEY },
  query = RUN_UPDATE_QUERY,
) {
  const client = createClient({
    url: `${base.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: true,
  });
  const results: Array<{ data?: Record<string, unknown> | null; errors?: ReadonlyArray<{ message: string }> }> = [];
  const done = new Promise<void>((resolve, reject) => {
    client.subscribe(
      { query, variables: { id } },
      { next: (r) => void results.push(r as never), error: (e) => reject(asError(e)), complete: resolve },
    );
  }).finally(() => void client.dispose());
  return { results, done };
}

/** `updated:running`, `step:2:passed`: enough to check a stream's order at a glance. */
export function summary(e: Received): string {
  if (e.event === 'run.updated' || e.event === 'email.updated' || e.event === 'scrape.updated')
    return `updated:${String(e.data.status)}`;
  if (e.event === 'run.step') return `step:${String(e.data.index)}:${String(e.data.status)}`;
  return e.event;
}

/** graphql-ws reports a refused connection as a close event and a failed operation as GraphQL errors. */
function asError(e: unknown): Error {
  if (e instanceof Error) return e;
  const close = e as { code?: number; reason?: string };
  if (typeof close.code === 'number') return new Error(`closed ${close.code}: ${close.reason ?? ''}`);
  return new Error(JSON.stringify(e));
}
