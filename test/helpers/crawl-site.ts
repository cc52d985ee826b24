import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export interface CrawlSiteOptions {
  /** Pages /p/0 … /p/(pages-1), linked as a tree of three from the home page. */
  pages: number;
  /** Added to every /p/ page's response time. */
  delayMs?: number;
  /** Size of the /big page, over the worker's SCRAPE_MAX_PAGE_BYTES in the tests. */
  bigBytes?: number;
}

/**
 * A site generated for crawl tests, served on localhost (IPv4 and IPv6): a tree of pages,
 * robots.txt that disallows /private/, a sitemap naming a page no link reaches, links
 * that differ only by fragment, query order or tracking parameters, a 404, a redirect
 * chain and loop, a redirect to 127.0.0.1, a page over the size cap, a PDF and a slow
 * page. It records every request (path and query) so tests can count fetches.
 */
export class CrawlSite {
  private server?: Server;
  readonly hits: string[] = [];
  port = 0;

  constructor(private readonly options: CrawlSiteOptions) {}

  get base(): string {
    return `http://localhost:${this.port}`;
  }

  /** Paths (with query) a full crawl from / stores, each with the state it ends in. */
  expected(): Map<string, 'done' | 'failed'> {
    const map = new Map<string, 'done' | 'failed'>([
      ['/', 'done'],
      ['/missing', 'failed'],
      ['/redirect/1', 'done'],
      ['/loop/a', 'failed'],
      ['/to-loopback', 'failed'],
      ['/big', 'failed'],
      ['/doc.pdf', 'failed'],
      ['/slow', 'done'],
      ['/q?a=1&b=2', 'done'],
      ['/orphan', 'done'],
    ]);
    for (let i = 0; i < this.options.pages; i++) map.set(`/p/${i}`, 'done');
    return map;
  }

  hitsOf(path: string): number {
    return this.hits.filter((h) => h === path).length;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
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

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    this.hits.push(url.pathname + url.search);
    const html = (title: string, body: string) =>
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(`<!doctype html><html><head><title>${title}</title></head><body>${body}</body></html>`);
    const redirect = (to: string) => void res.writeHead(302, { location: to }).end();
    const path = url.pathname;
    const n = this.options.pages;
    if (path === '/robots.txt')
      return void res
        .writeHead(200, { 'content-type': 'text/plain' })
        .end(`User-agent: *\nDisallow: /private/\nSitemap: ${this.base}/sitemap.xml\n`);
    if (path === '/sitemap.xml')
      return void res
        .writeHead(200, { 'content-type': 'application/xml' })
        .end(
          `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>${this.base}/</loc></url><url><loc>${this.base}/orphan</loc></url></urlset>`,
        );
    if (path === '/') {
      const links = [
        ...Array.from({ length: Math.min(3, n) }, (_, i) => `/p/${i}`),
        '/p/1#section',
        '/p/2?utm_source=newsletter&utm_medium=email',
        '/private/secret',
        '/missing',
        '/redirect/1',
        '/loop/a',
        '/to-loopback',
        '/big',
        '/doc.pdf',
        '/slow',
        '/q?b=2&a=1',
        '/q?a=1&b=2',
        'mailto:team@example.com',
        `${this.base.replace('localhost', '127.0.0.1')}/p/0`,
        'https://elsewhere.example/',
      ];
      return void html(
        'Home',
        `<h1>Home</h1><table><tr><th>Pages</th><th>${n}</th></tr></table>${links.map((l) => `<a href="${l}">${l}</a>`).join(' ')}`,
      );
    }
    const page = /^\/p\/(\d+)$/.exec(path);
    if (page && Number(page[1]) < n) {
      const i = Number(page[1]);
      if (this.options.delayMs) await new Promise((r) => setTimeout(r, this.options.delayMs));
      const children = [3 * i + 3, 3 * i + 4, 3 * i + 5].filter((c) => c < n);
      return void html(
        `Page ${i}`,
        `<h1>Page ${i}</h1><p>${'Lorem ipsum dolor sit amet. '.repeat(20)}</p>${children.map((c) => `<a href="/p/${c}">child ${c}</a>`).join(' ')} <a href="/">home</a> <a href="#top">top</a>`,
      );
    }
    if (path === '/redirect/1') return redirect('/redirect/2');
    if (path === '/redirect/2') return redirect('/redirect/3');
    if (path === '/redirect/3') return redirect(`/p/${Math.min(5, n - 1)}`);
    if (path === '/loop/a') return redirect('/loop/b');
    if (path === '/loop/b') return redirect('/loop/a');
    if (path === '/to-loopback') return redirect(`http://127.0.0.1:${this.port}/p/0`);
    if (path === '/big') return void html('Big', 'x'.repeat(this.options.bigBytes ?? 300_000));
    if (path === '/doc.pdf')
      return void res.writeHead(200, { 'content-type': 'application/pdf' }).end('%PDF-1.4 not really');
    if (path === '/slow') {
      await new Promise((r) => setTimeout(r, 1500));
      return void html('Slow', '<p>worth the wait</p>');
    }
    if (path === '/q') return void html('Query', `<p>${url.search}</p>`);
    if (path === '/orphan') return void html('Orphan', '<p>only the sitemap knows me</p>');
    // Not linked: for render tests. Its text exists only once its script ran.
    if (path === '/js')
      return void html(
        'Script',
        `<div id="out">static</div><script>document.getElementById('out').textContent = 'written by script';</script>`,
      );
    res.writeHead(404, { 'content-type': 'text/html' }).end('<title>Not found</title>');
  }
}
