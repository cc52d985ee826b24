import { createServer, IncomingMessage, request as httpRequest, Server, ServerResponse } from 'node:http';
import { connect, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Resolution } from './address-policy';

const MAX_REFUSALS_KEPT = 500;

/** Decides where a host may be reached (AddressPolicy, or a rule that refuses everything). */
export interface EgressResolver {
  resolve(host: string): Promise<Resolution>;
}

/** For Chromium's own background requests: none of them is a user's, none leaves the machine. */
export const REFUSE_ALL: EgressResolver = {
  resolve: (host) => Promise.resolve({ allowed: false, reason: `${host}: a request of Chromium's own, not of a page` }),
};

/**
 * A forward proxy on 127.0.0.1 that one browser context sends every request through
 * (loopback included). It checks the address at connect time, for every connection and
 * so for every redirect hop and subresource, and connects to the very address it
 * checked, so DNS cannot change the answer in between. A refused request fails at once
 * (plain http: the connection closes with no answer; CONNECT: 403), and the refusal is
 * kept so the run's failed step can say why: one proxy per context means a refusal is
 * only ever blamed on the run that caused it.
 */
export class EgressProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  /** Recently refused hosts, why and when, so a failed step can say why its request failed. */
  readonly refusals = new Map<string, { reason: string; at: number }>();

  constructor(private readonly policy: EgressResolver) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.forward(req, res));
    this.server.on(
      'connect',
      (req: IncomingMessage, socket: Socket, head: Buffer) => void this.tunnel(req, socket, head),
    );
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.sockets.forEach((s) => s.destroy());
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  /** Reasons for the refusals since `since` (ms epoch), most recent first. */
  refusalsSince(since: number): string[] {
    return [...this.refusals.values()]
      .filter((r) => r.at >= since)
      .sort((a, b) => b.at - a.at)
      .map((r) => r.reason);
  }

  private refuse(host: string, reason: string): void {
    const key = host.toLowerCase();
    this.refusals.delete(key);
    if (this.refusals.size >= MAX_REFUSALS_KEPT) this.refusals.delete(this.refusals.keys().next().value as string);
    this.refusals.set(key, { reason, at: Date.now() });
  }

  /** Plain http: the request line carries the absolute URL. */
  private async forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end();
      return;
    }
    const verdict =
      url.protocol === 'http:'
        ? await this.policy.resolve(url.hostname)
        : ({ allowed: false, reason: `${url.protocol} is not allowed` } as const);
    if (!verdict.allowed) {
      this.refuse(url.hostname, verdict.reason);
      // A dropped connection makes the browser fail the request (a 403 would look like the page).
      req.socket.destroy();
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-connection'];
    delete headers['proxy-authorization'];
    const upstream = httpRequest(
      {
        host: verdict.address,
        port: url.port || 80,
        method: req.method,
        path: `${url.pathname}${url.search}`,
        headers,
        setHost: false,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  }

  /** https and websockets: CONNECT host:port, then bytes both ways. */
  private async tunnel(req: IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
    const target = req.url ?? '';
    const colon = target.lastIndexOf(':');
    const host = target.slice(0, colon).replace(/^\[|\]$/g, '');
    const port = Number(target.slice(colon + 1)) || 443;
    socket.on('error', () => socket.destroy());
    const verdict = await this.policy.resolve(host);
    if (!verdict.allowed) {
      this.refuse(host, verdict.reason);
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = connect(port, verdict.address, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
  }
}
