import { json } from './helpers/json';
import { pollUntil } from './helpers/poll';
import { page, RobotsSite } from './helpers/robots-site';
import { Stack } from './helpers/stack';
import { baseEnv } from './helpers/test-env';

const FINAL = ['completed', 'failed', 'cancelled', 'timed_out'];

/**
 * robots.txt (RFC 9309) and what a scrape stores, end to end: a real API and worker
 * crawling small local sites that record every request, so "never fetched" is observed.
 */
describe('scrapes: robots.txt and stored pages', () => {
  let stack: Stack;
  const sites: RobotsSite[] = [];

  const site = async (routes: ConstructorParameters<typeof RobotsSite>[0]) => {
    const started = await new RobotsSite(routes).start();
    sites.push(started);
    return started;
  };
  const scrape = async (id: string) => json(await stack.request(`/api/scrapes/${id}`));
  const run = async (body: Record<string, unknown>) => {
    const res = await stack.request('/api/scrapes', { body });
    expect(res.status).toBe(201);
    const { id } = (await json(res)) as { id: string };
    const ended = await pollUntil(
      () => scrape(id),
      (s) => FINAL.includes(s.status),
      30000,
      `scrape ${id} ended`,
    );
    return { id, ended };
  };
  const pages = async (id: string, fields?: string) =>
    (await json(await stack.request(`/api/scrapes/${id}/pages?limit=200${fields ? `&fields=${fields}` : ''}`)))
      .items as Array<Record<string, unknown>>;

  beforeAll(async () => {
    stack = await new Stack(baseEnv({ ALLOWED_PRIVATE_HOSTS: 'localhost' })).start();
  }, 150_000);

  afterAll(async () => {
    await stack?.stop();
    await Promise.all(sites.map((s) => s.stop()));
  });

  it('fetches nothing from a site whose robots.txt disallows the start URL for our product token', async () => {
    // Our User-Agent is `StevedoreBot/1.0 (+https://…)`; the group names it with more words after the token.
    const blocked = await site({
      '/robots.txt': {
        type: 'text/plain',
        body: 'User-agent: *\nAllow: /\n\nUser-agent: StevedoreBot/1.0 (+https://example.com/bot)\nDisallow: /\n',
      },
      '/': page('Home', '<a href="/a">a</a> <a href="/b">b</a>'),
      '/a': page('A', 'a'),
    });
    const crawl = await run({ url: `${blocked.base}/`, mode: 'crawl' });
    expect(crawl.ended).toMatchObject({
      status: 'failed',
      pagesDone: 0,
      pagesFailed: 1,
      error: `${blocked.base}/: disallowed by robots.txt (Disallow: /)`,
    });
    expect(await pages(crawl.id, 'url,state,statusCode,error')).toEqual([
      {
        id: expect.any(String),
        url: `${blocked.base}/`,
        state: 'failed',
        statusCode: null,
        error: 'disallowed by robots.txt (Disallow: /)',
      },
    ]);

    const single = await run({ url: `${blocked.base}/a` });
    expect(single.ended).toMatchObject({
      status: 'failed',
      error: `${blocked.base}/a: disallowed by robots.txt (Disallow: /)`,
    });
    expect(blocked.pageHits()).toEqual([]);
  });

  it('matches robots rules on the URL as it is requested: an Allow with a query opens that link', async () => {
    const search = await site({
      // robots.txt is reached through a redirect (RFC 9309: follow at least five).
      '/robots.txt': { status: 301, location: '/rules.txt' },
      '/rules.txt': {
        type: 'text/plain',
        body: 'User-agent: *\nDisallow: /search\nAllow: /search?q=boats&page=2\nDisallow: /private/\n',
      },
      '/': page(
        'Home',
        '<a href="/search?q=boats&page=2">boats</a> <a href="/search?q=cars">cars</a> <a href="/go">go</a>',
      ),
      '/search': page('Search', 'results'),
      '/go': { status: 302, location: '/private/x' },
      '/private/x': page('Private', 'secret'),
    });
    const { id, ended } = await run({ url: `${search.base}/`, mode: 'crawl' });
    expect(search.pageHits().sort()).toEqual(
      ['/', '/go', '/rules.txt', '/search?q=boats&page=2', '/sitemap.xml'].sort(),
    );
    // Stored under the normalised key (query sorted) while requested as written.
    const stored = await pages(id, 'url,state,error');
    expect(
      stored.map((p) => [new URL(p.url as string).pathname + new URL(p.url as string).search, p.state, p.error]).sort(),
    ).toEqual(
      [
        ['/', 'done', null],
        ['/go', 'failed', 'disallowed by robots.txt (Disallow: /private/)'],
        ['/search?page=2&q=boats', 'done', null],
      ].sort(),
    );
    expect(ended).toMatchObject({ status: 'completed', pagesDone: 2, pagesFailed: 1 });
  });

  it('fetches nothing when robots.txt answers 5xx, and everything when it answers 404', async () => {
    const down = await site({ '/robots.txt': { status: 503, body: 'down' }, '/': page('Home', 'home') });
    const { ended } = await run({ url: `${down.base}/`, mode: 'crawl' });
    expect(ended).toMatchObject({
      status: 'failed',
      pagesDone: 0,
      error: `${down.base}/: robots.txt could not be read (HTTP 503), so nothing may be fetched`,
    });
    expect(down.pageHits()).toEqual([]);

    const none = await site({ '/': page('Home', 'home') });
    expect((await run({ url: `${none.base}/` })).ended).toMatchObject({ status: 'completed', pagesDone: 1 });
    expect(none.pageHits()).toEqual(['/']);
  });

  it('returns the formats a scrape asked for from GET pages, text and html included', async () => {
    const shop = await site({
      '/': page('Shop', '<h1>Shop</h1><p>Read <a href="/p?utm_source=news&id=1">the offer</a>.</p>'),
    });
    const rich = await run({ url: `${shop.base}/`, formats: ['text', 'html', 'markdown'] });
    const [item] = await pages(rich.id);
    expect(item).toMatchObject({
      text: 'Shop\nRead the offer.',
      html: expect.stringContaining('<h1>Shop</h1>'),
      markdown: expect.stringContaining('# Shop'),
    });
    expect(item).not.toHaveProperty('links');
    // Links in markdown keep their URL as written: utm_source, not utm%5Fsource.
    expect(item.markdown).toContain(`[the offer](/p?utm_source=news&id=1)`);

    const plain = await run({ url: `${shop.base}/` });
    const [defaults] = await pages(plain.id);
    expect(defaults).toMatchObject({ markdown: expect.any(String), links: [`${shop.base}/p?id=1`] });
    expect(defaults).not.toHaveProperty('text');
    expect(defaults).not.toHaveProperty('html');

    const graphql = await stack.graphql(`query ($id: ID!) { scrape(id: $id) { pages { items { text html } } } }`, {
      id: rich.id,
    });
    expect(graphql.data.scrape.pages.items[0]).toEqual({
      text: 'Shop\nRead the offer.',
      html: expect.stringContaining('<h1>Shop</h1>'),
    });
  });
});
