import { AppProcess } from './helpers/app-process';
import { CrawlSite } from './helpers/crawl-site';
import { freePort } from './helpers/free-port';
import { json } from './helpers/json';
import {
  collectSocket,
  connectEvents,
  readSse,
  SCRAPE_UPDATE_QUERY,
  subscribeGraphql,
  summary,
} from './helpers/live-clients';
import { TEST_API_KEY } from './helpers/test-env';
import { pollUntil } from './helpers/poll';
import { Stack } from './helpers/stack';
import { baseEnv } from './helpers/test-env';

const FINAL = ['completed', 'failed', 'cancelled', 'timed_out'];

interface PageRow {
  url: string;
  state: string;
  finalUrl: string | null;
  statusCode: number | null;
  error: string | null;
  title?: string | null;
  markdown?: string | null;
  links?: string[] | null;
}

/** Scraping and crawling end to end: a real API and worker against a site the test generates and serves. */
describe('scrapes', () => {
  let stack: Stack;
  let site: CrawlSite;

  const scrape = async (id: string) => json(await stack.request(`/api/scrapes/${id}`));
  const waitEnd = (id: string, timeoutMs = 60000) =>
    pollUntil(
      () => scrape(id),
      (s) => FINAL.includes(s.status),
      timeoutMs,
      `scrape ${id} ended`,
    );
  const start = async (body: Record<string, unknown>) => {
    const res = await stack.request('/api/scrapes', { body });
    expect([res.status, await res.clone().text()]).toEqual([201, expect.any(String)]);
    return (await json(res)).id as string;
  };
  /** Every stored page, following the cursor. */
  const allPages = async (id: string, fields = 'url,state,finalUrl,statusCode,error'): Promise<PageRow[]> => {
    const rows: PageRow[] = [];
    let cursor: string | null = null;
    do {
      const page = await json(
        await stack.request(`/api/scrapes/${id}/pages?limit=200&fields=${fields}${cursor ? `&cursor=${cursor}` : ''}`),
      );
      rows.push(...(page.items as PageRow[]));
      cursor = page.nextCursor as string | null;
    } while (cursor);
    return rows;
  };
  const pathOf = (url: string) => {
    const u = new URL(url);
    return u.pathname + u.search;
  };

  beforeAll(async () => {
    site = await new CrawlSite({ pages: 300, bigBytes: 300_000 }).start();
    stack = await new Stack(
      baseEnv({
        ALLOWED_PRIVATE_HOSTS: 'localhost',
        SCRAPE_MAX_PAGE_BYTES: '100000',
        SCRAPE_HOST_CONCURRENCY: '8',
        JOB_LOCK_MS: '2000',
      }),
    ).start();
  });

  afterAll(async () => {
    await stack?.stop();
    await site?.stop();
  });

  it('scrapes one page: title, markdown with its table, normalised links', async () => {
    const id = await start({ url: `${site.base}/`, formats: ['markdown', 'links', 'text'] });
    const done = await waitEnd(id);
    expect(done).toMatchObject({
      status: 'completed',
      mode: 'page',
      pagesDone: 1,
      pagesFailed: 0,
      pagesQueued: 0,
      errors: [],
    });
    const [page] = await allPages(id, 'url,state,title,markdown,links,text,contentHash,statusCode');
    expect(page).toMatchObject({ url: `${site.base}/`, state: 'done', title: 'Home', statusCode: 200 });
    expect(page.markdown).toContain('| Pages | 300 |');
    expect(page.links).toEqual(
      expect.arrayContaining([
        `${site.base}/p/0`,
        `${site.base}/q?a=1&b=2`,
        `${site.base}/p/2`,
        'https://elsewhere.example/',
      ]),
    );
    expect(page.links).not.toContain(`${site.base}/p/2?utm_source=newsletter&utm_medium=email`);
    expect(page.links!.filter((l) => l.startsWith('mailto:'))).toEqual([]);
  });

  it('crawls the whole site: exactly the expected pages, each fetched once, robots and the egress guard obeyed', async () => {
    const hitsBefore = site.hits.length;
    const id = await start({ url: `${site.base}/`, mode: 'crawl', maxPages: 1000, maxDepth: 6, concurrency: 8 });
    const done = await waitEnd(id, 90000);
    const pages = await allPages(id);
    const stored = new Map(pages.map((p) => [pathOf(p.url), p]));
    const expected = site.expected();
    expect([...stored.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [path, state] of expected) expect([path, stored.get(path)!.state]).toEqual([path, state]);

    expect(stored.get('/missing')).toMatchObject({ statusCode: 404, error: 'HTTP 404' });
    expect(stored.get('/loop/a')!.error).toMatch(/^redirect loop at /);
    expect(stored.get('/to-loopback')!.error).toMatch(/^refused by the egress guard: 127\.0\.0\.1/);
    expect(stored.get('/big')!.error).toMatch(/^page larger than 100000 bytes/);
    expect(stored.get('/doc.pdf')!.error).toBe('unsupported content type application/pdf');
    expect(stored.get('/redirect/1')!.finalUrl).toBe(`${site.base}/p/5`);
    expect(done).toMatchObject({ status: 'completed', pagesDone: expected.size - 5, pagesFailed: 5, pagesQueued: 0 });
    expect((done.errors as unknown[]).length).toBe(5);

    const hits = site.hits.slice(hitsBefore);
    expect(hits.filter((h) => h.startsWith('/private/'))).toEqual([]);
    expect(hits.filter((h) => h === '/robots.txt')).toHaveLength(1);
    for (let i = 0; i < 300; i++) expect([i, hits.filter((h) => h === `/p/${i}`).length]).toEqual([i, i === 5 ? 2 : 1]); // /p/5 also ends the redirect chain
  });

  it('keeps to maxPages, maxDepth and the include/exclude globs', async () => {
    const capped = await start({ url: `${site.base}/`, mode: 'crawl', maxPages: 20, maxDepth: 10 });
    // The end state first: a short crawl says why it stopped.
    const cappedEnd = await waitEnd(capped);
    if (cappedEnd.pagesDone + cappedEnd.pagesFailed !== 20) {
      // A short crawl (seen rarely on a loaded machine): say which pages it kept and why.
      const kept = (await allPages(capped, 'url,depth,state,statusCode,durationMs,error')).map((p) =>
        JSON.stringify({ ...p, url: pathOf(p.url) }),
      );
      throw new Error(
        `the capped crawl ended ${String(cappedEnd.status)} with ${cappedEnd.pagesDone + cappedEnd.pagesFailed} pages:\n${kept.join('\n')}`,
      );
    }
    expect([cappedEnd.status, cappedEnd.error, cappedEnd.pagesDone + cappedEnd.pagesFailed]).toEqual([
      'completed',
      null,
      20,
    ]);
    expect(await allPages(capped)).toHaveLength(20);

    const ruled = await start({
      url: `${site.base}/`,
      mode: 'crawl',
      maxDepth: 2,
      includePaths: ['/p/**'],
      excludePaths: ['/p/1*'],
    });
    await waitEnd(ruled);
    const paths = (await allPages(ruled)).map((p) => pathOf(p.url)).sort();
    // / is the start; /p/1 and /p/10, /p/11 are excluded; depth 2 stops at the children of /p/0 and /p/2.
    expect(paths).toEqual(['/', '/p/0', '/p/2', '/p/3', '/p/4', '/p/5', '/p/9'].sort());
  });

  it.each([
    [{ url: 'ftp://example.com/' }, 'url must be http or https, not ftp:'],
    [{ url: 'http://example.com/', mode: 'crawl', maxPages: 0 }, 'maxPages must be a whole number from 1 to 10000'],
    [
      { url: 'http://example.com/', mode: 'crawl', includePaths: ['blog/**'] },
      'includePaths[0] a path glob must start with /',
    ],
    [
      { url: 'http://example.com/', formats: ['pdf'] },
      'formats[0] must be one of markdown, text, html, links (got "pdf")',
    ],
    [
      { url: 'http://127.0.0.1:1/' },
      'url is not allowed: 127.0.0.1 is not a public address (loopback, 127.0.0.0/8, RFC 1122); list it in ALLOWED_PRIVATE_HOSTS to allow it',
    ],
  ])('answers 400 naming the field for %j', async (body, message) => {
    const res = await stack.request('/api/scrapes', { body });
    expect(res.status).toBe(400);
    expect((await json(res)).message).toEqual(expect.arrayContaining([expect.stringContaining(message)]));
  });

  it('starts a scrape from GraphQL, streams it over SSE and reads its pages back', async () => {
    const started = await stack.graphql(
      `mutation ($input: StartScrapeInput!) { startScrape(input: $input) { id status mode } }`,
      {
        input: { url: `${site.base}/p/0`, mode: 'crawl', maxDepth: 1, formats: ['markdown'] },
      },
    );
    const { id } = started.data.startScrape as { id: string };
    const sse = await readSse(`${stack.base}/api/scrapes/${id}/events`);
    const gql = subscribeGraphql(stack.base, id, { 'x-api-key': TEST_API_KEY }, SCRAPE_UPDATE_QUERY);
    const socket = await connectEvents(stack.base);
    const onSocket = collectSocket(socket);
    expect(await socket.emitWithAck('subscribe', { scrapeId: id })).toEqual({ ok: true, kind: 'scrape', id });
    await Promise.all([
      sse.finished,
      gql.done,
      onSocket.until((e) => e.event === 'scrape.updated' && e.data.status === 'completed'),
    ]);
    socket.close();
    expect(gql.results.at(-1)!.data!.scrapeUpdated as { status: string; pagesDone: number }).toEqual(
      expect.objectContaining({ status: 'completed', pagesDone: 6 }),
    );
    // Counters only grow while pages arrive.
    const done = sse.events.filter((e) => e.event === 'scrape.updated').map((e) => e.data.pagesDone as number);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    const last = sse.events.at(-2)!;
    expect(summary(sse.events.at(-1)!)).toBe('end');
    // /p/0, its three children and home (depth 1), and /orphan from the sitemap.
    expect(last).toMatchObject({
      event: 'scrape.updated',
      data: { id, status: 'completed', pagesDone: 6, pagesQueued: 0 },
    });
    const read = await stack.graphql(
      `query ($id: ID!) { scrape(id: $id) { status pagesDone pages(limit: 2) { items { url title markdown } nextCursor } } }`,
      { id },
    );
    expect(read.data.scrape).toMatchObject({
      status: 'completed',
      pagesDone: 6,
      pages: {
        items: [{ url: `${site.base}/p/0`, title: 'Page 0' }, expect.anything()],
        nextCursor: expect.any(String),
      },
    });
    const bad = await stack.graphql(
      `mutation { startScrape(input: { url: "http://example.com", maxDepth: 99 }) { id } }`,
    );
    expect(bad.errors?.[0].message).toContain('maxDepth must be a whole number from 0 to 50');
  });

  it('renders a page in Chromium when asked (render: true), and not otherwise', async () => {
    const plain = await start({ url: `${site.base}/js`, formats: ['text'] });
    const rendered = await start({ url: `${site.base}/js`, formats: ['text'], render: true });
    await Promise.all([waitEnd(plain), waitEnd(rendered)]);
    const [plainPage] = await allPages(plain, 'text,state');
    const [renderedPage] = await allPages(rendered, 'text,state,statusCode,title');
    expect(plainPage).toMatchObject({ state: 'done', text: expect.stringContaining('static') });
    expect(renderedPage).toMatchObject({
      state: 'done',
      statusCode: 200,
      title: 'Script',
      text: expect.stringContaining('written by script'),
    });
  });

  it('answers 404 for an unknown scrape and 400 for unknown page fields', async () => {
    const unknown = '8f14e45f-ceea-4a7e-9e1f-6f5a4c2b1d00';
    expect((await stack.request(`/api/scrapes/${unknown}`)).status).toBe(404);
    expect((await stack.request(`/api/scrapes/${unknown}/pages`)).status).toBe(404);
    const id = await start({ url: `${site.base}/orphan` });
    await waitEnd(id);
    const res = await stack.request(`/api/scrapes/${id}/pages?fields=url,body`);
    expect([res.status, (await json(res)).message[0]]).toEqual([
      400,
      expect.stringContaining('fields has unknown name body'),
    ]);
  });
});

describe('scrapes: cancel and resume', () => {
  let stack: Stack;
  let site: CrawlSite;
  const env = baseEnv({ ALLOWED_PRIVATE_HOSTS: 'localhost', JOB_LOCK_MS: '2000', SCRAPE_HOST_CONCURRENCY: '4' });

  const scrape = async (id: string) => json(await stack.request(`/api/scrapes/${id}`));
  const start = async (body: Record<string, unknown>) =>
    (await json(await stack.request('/api/scrapes', { body }))).id as string;

  beforeAll(async () => {
    site = await new CrawlSite({ pages: 60, delayMs: 150 }).start();
    stack = await new Stack(env).start();
  });

  afterAll(async () => {
    await stack?.stop();
    await site?.stop();
  });

  it('cancel stops a running crawl within 2 seconds and keeps what was fetched', async () => {
    const id = await start({ url: `${site.base}/`, mode: 'crawl', maxDepth: 6, concurrency: 2 });
    await pollUntil(
      () => scrape(id),
      (s) => s.pagesDone >= 4,
      20000,
      'some pages stored',
    );
    const asked = Date.now();
    const res = await stack.request(`/api/scrapes/${id}/cancel`, { method: 'POST' });
    expect([res.status, (await json(res)).cancelRequested]).toEqual([200, true]);
    const ended = await pollUntil(
      () => scrape(id),
      (s) => FINAL.includes(s.status),
      5000,
      'cancelled',
    );
    expect(Date.now() - asked).toBeLessThan(2000);
    expect(ended).toMatchObject({ status: 'cancelled', error: 'cancelled' });
    expect(ended.pagesDone).toBeGreaterThanOrEqual(4);
    const kept = await json(await stack.request(`/api/scrapes/${id}/pages?limit=200&fields=url,state`));
    expect(kept.items.length).toBe(ended.pagesDone + ended.pagesFailed);
    const hits = site.hits.length;
    await new Promise((r) => setTimeout(r, 1000));
    expect(site.hits.length).toBe(hits);
  });

  it('ends timed_out after timeoutMs, keeping the pages fetched', async () => {
    const id = await start({
      url: `${site.base}/`,
      mode: 'crawl',
      maxPages: 1000,
      maxDepth: 6,
      concurrency: 1,
      timeoutMs: 1500,
    });
    const ended = await pollUntil(
      () => scrape(id),
      (s) => FINAL.includes(s.status),
      10000,
      'timed out',
    );
    expect(ended).toMatchObject({ status: 'timed_out', error: 'scrape timed out after 1500 ms' });
    expect(ended.pagesDone).toBeGreaterThan(2);
    expect(ended.pagesQueued).toBeGreaterThan(0);
    const kept = await json(await stack.request(`/api/scrapes/${id}/pages?limit=200&fields=url,state`));
    expect(kept.items.length).toBe(ended.pagesDone + ended.pagesFailed);
  });

  it('a crawl whose worker is killed resumes on another worker from what is stored', async () => {
    const hitsBefore = site.hits.length;
    const id = await start({ url: `${site.base}/`, mode: 'crawl', maxPages: 1000, maxDepth: 6, concurrency: 2 });
    await pollUntil(
      () => scrape(id),
      (s) => s.pagesDone >= 15,
      30000,
      '15 pages stored',
    );
    stack.worker.child.kill('SIGKILL');
    await stack.worker.waitExit(5000);
    const before = await json(await stack.request(`/api/scrapes/${id}/pages?limit=200&fields=url,state`));
    const doneBefore = (before.items as PageRow[])
      .filter((p) => p.state === 'done')
      .map((p) => new URL(p.url).pathname);

    const port = await freePort();
    stack.worker = new AppProcess({ env: { ...env, IS_WORKER: 'true', APP_WORKER_PORT: String(port) } });
    await stack.worker.waitHealthy(`http://127.0.0.1:${port}/api/health`);
    const ended = await pollUntil(
      () => scrape(id),
      (s) => FINAL.includes(s.status),
      60000,
      'resumed crawl ended',
    );
    expect(ended).toMatchObject({ status: 'completed', attempt: 2 });

    const all = await json(await stack.request(`/api/scrapes/${id}/pages?limit=200&fields=url,state`));
    const paths = (all.items as PageRow[]).map((p) => new URL(p.url).pathname + new URL(p.url).search);
    expect(new Set(paths).size).toBe(paths.length);
    expect(paths.sort()).toEqual([...site.expected().keys()].sort());
    // What was stored before the kill was not fetched again.
    const hits = site.hits.slice(hitsBefore);
    for (const path of doneBefore)
      if (path.startsWith('/p/') && path !== '/p/5')
        expect([path, hits.filter((h) => h === path).length]).toEqual([path, 1]);
  });
});
