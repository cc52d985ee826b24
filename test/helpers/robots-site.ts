import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/** What one path of a RobotsSite answers. */
export type RobotsSiteRoute = { status?: number; type?: string; body?: string; location?: string };

/**
 * A tiny site on localhost for robots.txt tests: each path answers what the test says
 * (robots.txt included), anything else is a 404. It records every request line's path
 * and query exactly as sent, so a test can prove a URL was never fetched.
 */
export class RobotsSite {
  private server?: Server;
  readonly hits: string[] = [];
  port = 0;

  constructor(private readonly routes: Record<string, RobotsSiteRoute>) {}

  get base(): string {
    return `http://localhost:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen({ port: 0, host: '::', ipv6Only: false }, resolve);
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Requests other than robots.txt. */
  pageHits(): string[] {
    return this.hits.filter((h) => h !== '/robots.txt');
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const target = req.url ?? '/';
    this.hits.push(target);
    const route = this.routes[target] ?? this.routes[target.split('?')[0]];
    if (!route) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    const headers: Record<string, string> = { 'content-type': route.type ?? 'text/html; charset=utf-8' };
    if (route.location) headers.location = route.location;
    res.writeHead(route.status ?? 200, headers).end(route.body ?? '');
  }
}

/** An HTML page with a title and the given body. */
export const page = (title: string, body: string): RobotsSiteRoute => ({
  body: `<!doctype html><html><head><title>${title}</title></head><body>${body}</body></html>`,
});
