import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { AddressPolicy } from '../../egress/address-policy';
import { PageFetcher } from './page-fetcher';

/** The fetcher against a real HTTP server on loopback (allowed here by name). */
describe('PageFetcher', () => {
  let server: Server;
  let base: string;
  const hits = new Map<string, number>();
  const routes: Record<string, (req: IncomingMessage, res: ServerResponse, hit: number) => void> = {
    '/ok': (_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<title>ok</title>'),
    '/flaky': (_req, res, hit) =>
      hit < 3 ? res.writeHead(503).end() : res.writeHead(200, { 'content-type': 'text/html' }).end('third time'),
    '/busy': (_req, res, hit) =>
      hit < 2
        ? res.writeHead(429, { 'retry-after': '1' }).end()
        : res.writeHead(200, { 'content-type': 'text/html' }).end('after waiting'),
    '/too-busy': (_req, res) => res.writeHead(429, { 'retry-after': '3600' }).end(),
    '/gone': (_req, res) => res.writeHead(410).end(),
    '/big': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }); // no Content-Length: the cap applies while streaming
      res.end('x'.repeat(5000));
    },
    '/hang': () => undefined,
    '/to-secret': (_req, res) => res.writeHead(302, { location: '/secret' }).end(),
    '/secret': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('secret'),
    '/robots-octets': (_req, res) =>
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end('y'.repeat(5000)),
    '/latin1': (_req, res) =>
      res
        .writeHead(200, { 'content-type': 'text/html; charset=iso-8859-1' })
        .end(Buffer.from([0x63, 0x61, 0x66, 0xe9])),
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = req.url ?? '/';
      const hit = (hits.get(path) ?? 0) + 1;
      hits.set(path, hit);
      const route = routes[path];
      if (route) route(req, res, hit);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://localhost:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  // A page timeout far above loopback's latency, so a loaded CI machine cannot turn an
  // answer into a timeout; the timeout test sets its own short one.
  const fetcher = (over: Partial<ConstructorParameters<typeof PageFetcher>[1]> = {}, allowed = ['localhost']) =>
    new PageFetcher(new AddressPolicy(allowed), {
      userAgent: 'TestBot/1.0',
      maxBytes: 1000,
      timeoutMs: 10_000,
      retries: 2,
      retryBaseMs: 10,
      ...over,
    });
  const signal = () => new AbortController().signal;

  it('reads a page, with its hash and content type', async () => {
    const page = await fetcher().fetch(`${base}/ok`, signal());
    expect(page).toMatchObject({
      statusCode: 200,
      body: '<title>ok</title>',
      error: null,
      contentHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('retries 5xx with backoff until it answers', async () => {
    expect(await fetcher().fetch(`${base}/flaky`, signal())).toMatchObject({
      statusCode: 200,
      body: 'third time',
      error: null,
    });
    expect(hits.get('/flaky')).toBe(3);
  });

  it('honours Retry-After on 429', async () => {
    const t0 = Date.now();
    expect(await fetcher().fetch(`${base}/busy`, signal())).toMatchObject({
      statusCode: 200,
      body: 'after waiting',
      error: null,
    });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
  });

  it('gives up at once on a Retry-After too long to wait, and never retries other 4xx', async () => {
    expect((await fetcher().fetch(`${base}/too-busy`, signal())).error).toBe(
      'HTTP 429 (Retry-After 3600 s is too long)',
    );
    expect(await fetcher().fetch(`${base}/gone`, signal())).toMatchObject({ statusCode: 410, error: 'HTTP 410' });
    expect(hits.get('/gone')).toBe(1);
  });

  it('cuts off a body over the cap while streaming', async () => {
    expect((await fetcher().fetch(`${base}/big`, signal())).error).toBe('page larger than 1000 bytes');
  });

  it('times out a page that never answers, without retrying it', async () => {
    const t0 = Date.now();
    expect((await fetcher({ timeoutMs: 500 }).fetch(`${base}/hang`, signal())).error).toBe('timed out after 500 ms');
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  it('decodes the declared charset', async () => {
    expect((await fetcher().fetch(`${base}/latin1`, signal())).body).toBe('café');
  });

  it('refuses loopback when it is not allowed, before connecting', async () => {
    const page = await fetcher({}, []).fetch(`${base}/ok`, signal());
    expect(page.error).toMatch(
      /^refused by the egress guard: localhost resolves to (127\.0\.0\.1|::1), which is not a public address \(loopback/,
    );
    expect(hits.get('/ok')).toBe(1);
  });

  it('rejects when the caller aborts (cancel), instead of recording a failed page', async () => {
    const abort = new AbortController();
    const pending = fetcher().fetch(`${base}/hang`, abort.signal);
    setTimeout(() => abort.abort('cancelled'), 50);
    await expect(pending).rejects.toBe('cancelled');
  });

  it('asks `refuse` before every hop, so a redirect cannot reach a refused URL', async () => {
    const asked: string[] = [];
    const refuse = (url: string) => (
      asked.push(new URL(url).pathname),
      url.endsWith('/secret') ? 'disallowed by robots.txt (Disallow: /secret)' : undefined
    );
    const page = await fetcher().fetch(`${base}/to-secret`, signal(), { refuse });
    expect(page).toMatchObject({
      finalUrl: `${base}/secret`,
      body: null,
      error: 'disallowed by robots.txt (Disallow: /secret)',
    });
    expect(asked).toEqual(['/to-secret', '/secret']);
    expect(hits.get('/secret')).toBeUndefined();
  });

  it('keeps the first truncateAt bytes of any content type instead of failing a large body (robots.txt)', async () => {
    const page = await fetcher().fetch(`${base}/robots-octets`, signal(), { accept: 'any', truncateAt: 1500 });
    expect(page).toMatchObject({ statusCode: 200, error: null });
    expect(page.body).toBe('y'.repeat(1500));
  });
});
