import type { LoggerService } from '@nestjs/common';
import { createServer, type Server } from 'node:http';
import { rm } from 'node:fs/promises';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { EgressProxy } from '../egress/egress-proxy';
import { guardMessage, isCallId, refusal, type ProtocolMessage } from './protocol-guard';

/** One protocol message may carry a file a test uploads in chunks; far above any real one. */
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/**
 * A run's door to the worker's browser server: a WebSocket server on a Unix socket (the
 * sandbox has no network, only this file) that passes Playwright's protocol on to the
 * server after `guardMessage` has checked (and, for new contexts, rewritten) each message
 * from the test. Closing the relay closes every connection, and the server then closes
 * the contexts the run opened.
 */
export class BrowserRelay {
  readonly closed: Promise<void>;
  private http?: Server;
  private wss?: WebSocketServer;
  private proxyServer?: string;
  private readonly sockets = new Set<WebSocket>();
  private resolveClosed!: () => void;
  private refused = 0;
  private closing?: Promise<void>;

  constructor(
    readonly endpoint: string,
    readonly egress: EgressProxy,
    private readonly videoDir: string,
    private readonly logger: LoggerService,
  ) {
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  /** How many calls the guard refused. */
  get refusedCalls(): number {
    return this.refused;
  }

  async listen(socketPath: string): Promise<void> {
    this.proxyServer = await this.egress.start();
    await rm(socketPath, { force: true });
    this.http = createServer((_req, res) => res.writeHead(426).end());
    this.wss = new WebSocketServer({ server: this.http, maxPayload: MAX_MESSAGE_BYTES });
    this.wss.on('connection', (client) => this.relay(client));
    await new Promise<void>((resolve, reject) => {
      this.http!.once('error', reject);
      this.http!.listen(socketPath, resolve);
    });
  }

  /** Closes it once; later calls wait for that close (a run closes it as it ends and again on its way out). */
  close(): Promise<void> {
    this.closing ??= this.shut();
    return this.closing;
  }

  private async shut(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    this.wss?.close();
    await new Promise<void>((resolve) => (this.http ? this.http.close(() => resolve()) : resolve()));
    this.http?.closeAllConnections();
    await this.egress.stop();
    this.resolveClosed();
  }

  private relay(client: WebSocket): void {
    // Nothing of the client's handshake is passed on (its headers could ask the server to
    // route traffic back through it): the relay opens its own connection.
    const upstream = new WebSocket(this.endpoint, { maxPayload: MAX_MESSAGE_BYTES });
    this.sockets.add(client).add(upstream);
    const waiting: string[] = [];
    const drop = () => {
      client.terminate();
      upstream.terminate();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    upstream.on('open', () => waiting.splice(0).forEach((m) => upstream.send(m)));
    upstream.on('message', (data: RawData) => {
      if (client.readyState === WebSocket.OPEN) client.send(data.toString());
    });
    client.on('message', (data: RawData) => {
      const forward = this.check(data, client);
      if (forward === undefined) return;
      if (upstream.readyState === WebSocket.OPEN) upstream.send(forward);
      else waiting.push(forward);
    });
    client.on('close', drop);
    upstream.on('close', drop);
    client.on('error', drop);
    upstream.on('error', (err) => {
      this.logger.warn?.({ err }, 'The script browser connection failed');
      drop();
    });
  }

  /** The message to pass on, or undefined when it was refused (answered here) or unreadable (connection dropped). */
  private check(data: RawData, client: WebSocket): string | undefined {
    const raw = data.toString();
    let message: ProtocolMessage;
    try {
      message = JSON.parse(raw) as ProtocolMessage;
    } catch {
      client.terminate();
      return undefined;
    }
    if (typeof message !== 'object' || message === null) {
      client.terminate();
      return undefined;
    }
    const verdict = guardMessage(message, { proxyServer: this.proxyServer!, videoDir: this.videoDir });
    if ('forward' in verdict) return verdict.forward === message ? raw : JSON.stringify(verdict.forward);
    this.refused++;
    // Every refused call is answered: the client waits on its id (a string since Playwright 1.5x).
    if (isCallId(message.id)) client.send(refusal(message.id, verdict.refuse));
    return undefined;
  }
}
