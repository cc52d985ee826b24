import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: unknown;
  status: number;
  at: number;
}

/**
 * One HTTP server standing in for every alert receiver (a PagerDuty-shaped events API, a
 * Slack incoming webhook, a signed webhook), told apart by path. Each path answers the
 * statuses it is given in turn (then its last one, by default 202 once the list runs out)
 * and records every request with the status it got.
 */
export class AlertReceivers {
  readonly requests: ReceivedRequest[] = [];
  private readonly plans = new Map<string, number[]>();
  private server?: Server;
  port = 0;

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** `path` answers these statuses in order, then keeps answering the last one. */
  answer(path: string, ...statuses: number[]): this {
    this.plans.set(path, statuses);
    return this;
  }

  at(path: string): ReceivedRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const path = (req.url ?? '/').split('?')[0];
        const plan = this.plans.get(path) ?? [202];
        const status = plan.length > 1 ? plan.shift()! : plan[0];
        const body = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(body);
        } catch {
          json = undefined;
        }
        this.requests.push({ path, headers: req.headers, body, json, status, at: Date.now() });
        res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server!.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
