import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A small site served by the test itself on 127.0.0.1, with a log of the paths asked for. */
export class TestSite {
  private server?: Server;
  readonly hits: string[] = [];
  port = 0;

  constructor(private readonly pages: Record<string, string | Handler>) {}

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      this.hits.push(path);
      const page = this.pages[path];
      if (typeof page === 'function') return page(req, res);
      if (page === undefined)
        return res.writeHead(404, { 'content-type': 'text/html' }).end('<title>Not found</title><h1>Not found</h1>');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

export const LOGIN_PAGE = `<!doctype html><title>Sign in</title>
<form action="/welcome" method="get"><label>Email <input id="email" name="email"></label>
<button type="submit">Sign in</button></form>`;
export const WELCOME_PAGE = `<!doctype html><title>Welcome</title><h1>Welcome</h1><p id="who">signed in</p>`;
