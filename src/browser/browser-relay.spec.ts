import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket, WebSocketServer } from 'ws';
import type { EgressProxy } from '../egress/egress-proxy';
import { BrowserRelay } from './browser-relay';

/** A stand-in browser server: records what reaches it. */
async function fakeServer(): Promise<{ url: string; received: string[]; close: () => Promise<void> }> {
  const received: string[] = [];
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  wss.on('connection', (socket) => socket.on('message', (data) => received.push(data.toString())));
  await new Promise((resolve) => wss.once('listening', resolve));
  const { port } = wss.address() as { port: number };
  return { url: `ws://127.0.0.1:${port}/`, received, close: () => new Promise((r) => wss.close(() => r())) };
}

const egress = { start: () => Promise.resolve('http://127.0.0.1:4100'), stop: () => Promise.resolve() };
const logger = { log: () => undefined, error: () => undefined, warn: () => undefined };

describe('BrowserRelay', () => {
  let dir: string;
  let server: Awaited<ReturnType<typeof fakeServer>>;
  let relay: BrowserRelay;
  let client: WebSocket;
  const answers: unknown[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'relay-spec-'));
    server = await fakeServer();
    relay = new BrowserRelay(server.url, egress as unknown as EgressProxy, '/worker/videos', logger);
    await relay.listen(join(dir, 'browser.sock'));
    client = new WebSocket(`ws+unix://${join(dir, 'browser.sock')}:/`);
    client.on('message', (data) => answers.push(JSON.parse(data.toString())));
    await new Promise((resolve) => client.once('open', resolve));
  });

  afterAll(async () => {
    client.terminate();
    await relay.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  const until = async (check: () => boolean) => {
    for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
  };

  it('answers a refused call by its string id (Playwright 1.5x) and passes nothing on', async () => {
    client.send(
      JSON.stringify({ id: 'rnxz@8', guid: 'frame@1', method: 'goto', params: { url: 'file:///etc/passwd' } }),
    );
    await until(() => answers.length > 0);
    expect(answers).toEqual([
      {
        id: 'rnxz@8',
        error: { error: expect.objectContaining({ message: expect.stringMatching(/^Stevedore: file: URLs/) }) },
      },
    ]);
    expect(relay.refusedCalls).toBe(1);
  });

  it('passes an allowed message on unchanged, and a new context with the run’s proxy', async () => {
    const click = JSON.stringify({ id: 'a@2', guid: 'frame@1', method: 'click', params: { selector: '#x' } });
    client.send(click);
    client.send(JSON.stringify({ id: 'a@3', guid: 'browser@1', method: 'newContext', params: {} }));
    await until(() => server.received.length >= 2);
    expect(server.received[server.received.length - 2]).toBe(click);
    expect(JSON.parse(server.received[server.received.length - 1])).toMatchObject({
      method: 'newContext',
      params: { proxy: { server: 'http://127.0.0.1:4100' } },
    });
  });
});
