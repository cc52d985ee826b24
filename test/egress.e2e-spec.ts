import type { IncomingMessage, ServerResponse } from 'node:http';
import { freePort } from './helpers/free-port';
import { json } from './helpers/json';
import { pollUntil } from './helpers/poll';
import { Stack } from './helpers/stack';
import { baseEnv } from './helpers/test-env';
import { TestSite } from './helpers/test-site';

const RUN_END = ['passed', 'failed', 'error', 'cancelled', 'timed_out'];
const SCRAPE_END = ['completed', 'failed', 'cancelled', 'timed_out'];
const STEP_TIMEOUT_MS = 20_000;

/** Addresses a page may not reach, each as a URL, with what the refusal must name. */
const BLOCKED = {
  metadata: ['http://169.254.169.254/latest/meta-data/', /169\.254\.169\.254 is not a public address \(link-local/],
  nat64: [
    'http://[64:ff9b::a9fe:a9fe]/',
    /64:ff9b::a9fe:a9fe is not a public address \(NAT64, 64:ff9b::\/96, RFC 6052, embedding 169\.254\.169\.254: link-local/,
  ],
  sixToFour: ['http://[2002:7f00:1::]/', /2002:7f00:1:: is not a public address \(6to4, 2002::\/16/],
  // https goes through CONNECT, the other path of the browser's proxy.
  tlsLoopback: ['https://127.0.0.2/', /127\.0\.0\.2 is not a public address \(loopback/],
} as const;

/**
 * The SSRF guard at connect time, end to end (real API, worker, Chromium): a user's URL
 * reaches no address that is not global unicast, in any spelling, and a page's blocked
 * requests fail at once with the refusal named, never blamed on anything else.
 */
describe('egress', () => {
  let stack: Stack;
  let site: TestSite;

  const redirect = (location: string) => (_req: IncomingMessage, res: ServerResponse) =>
    void res.writeHead(302, { location }).end();
  const run = async (id: string) => json(await stack.request(`/api/runs/${id}`));
  const runToEnd = async (body: Record<string, unknown>) => {
    const res = await stack.request('/api/runs', {
      body: { options: { trace: 'off', stepTimeoutMs: STEP_TIMEOUT_MS }, ...body },
    });
    expect([res.status, await res.clone().text()]).toEqual([201, expect.any(String)]);
    const { id } = await json(res);
    return pollUntil(
      () => run(id),
      (r) => RUN_END.includes(r.status),
      60_000,
      `run ${id} ended`,
    );
  };
  const scrapeToEnd = async (body: Record<string, unknown>) => {
    const res = await stack.request('/api/scrapes', { body });
    expect([res.status, await res.clone().text()]).toEqual([201, expect.any(String)]);
    const { id } = await json(res);
    await pollUntil(
      async () => json(await stack.request(`/api/scrapes/${id}`)),
      (s) => SCRAPE_END.includes(s.status),
      60_000,
      `scrape ${id} ended`,
    );
    const pages = await json(await stack.request(`/api/scrapes/${id}/pages?fields=url,state,error,title`));
    return pages.items as Array<{ state: string; error: string | null; title?: string | null }>;
  };

  beforeAll(async () => {
    site = await new TestSite({
      // Every kind of subresource, each to an address the guard refuses. 203.0.113.7
      // (documentation) has no host behind it: a request that got through would hang.
      '/embeds': `<!doctype html><title>Embeds</title>
        <img src="${BLOCKED.metadata[0]}x.png"><img src="http://203.0.113.7/y.png"><img src="${BLOCKED.nat64[0]}z.png">
        <img src="${BLOCKED.tlsLoopback[0]}w.png"><iframe src="http://127.0.0.2/frame"></iframe><iframe src="${BLOCKED.sixToFour[0]}"></iframe>
        <script>fetch('http://10.0.0.1/').catch(() => undefined)</script>
        <h1 id="ready">ready</h1>`,
      // Refused requests, twenty a second, for as long as the page is open.
      '/noisy': `<!doctype html><title>Noisy</title><h1>noisy</h1><script>setInterval(() => fetch('http://10.0.0.1/').catch(() => undefined), 50)</script>`,
      ...Object.fromEntries(Object.entries(BLOCKED).map(([name, [url]]) => [`/to-${name}`, redirect(url)])),
    }).start();
    stack = await new Stack(baseEnv({ ALLOWED_PRIVATE_HOSTS: '127.0.0.1', WORKER_CONCURRENCY: '2' })).start();
  });

  afterAll(async () => {
    await stack?.stop();
    await site?.stop();
  });

  it.each(Object.entries(BLOCKED))('refuses a %s target at the API, naming the range', async (_name, [url, why]) => {
    const res = await stack.request('/api/runs', { body: { name: 'blocked', steps: [{ action: 'goto', url }] } });
    expect(res.status).toBe(400);
    expect((await json(res)).message[0]).toMatch(why);
    const scrape = await stack.request('/api/scrapes', { body: { url } });
    expect(scrape.status).toBe(400);
    expect((await json(scrape)).message[0]).toMatch(why);
  });

  it('loads a page whose subresources are all blocked without waiting for them: the steps pass well within their timeout', async () => {
    const done = await runToEnd({
      name: 'blocked embeds',
      baseUrl: site.base,
      steps: [
        { action: 'goto', url: '/embeds' },
        { action: 'expectVisible', selector: '#ready' },
      ],
    });
    expect([done.status, done.error]).toEqual(['passed', null]);
    for (const step of done.steps) expect(step.durationMs).toBeLessThan(STEP_TIMEOUT_MS);
  });

  it.each(Object.entries(BLOCKED))(
    'fails a step redirected to a %s address at once, with the refusal named',
    async (name, [, why]) => {
      const done = await runToEnd({
        name: `to ${name}`,
        baseUrl: site.base,
        steps: [{ action: 'goto', url: `/to-${name}` }],
      });
      expect(done.status).toBe('failed');
      expect(done.steps[0].error).toMatch(/^request refused by the egress guard: /);
      expect(done.steps[0].error).toMatch(why);
      // Chromium's own requests (sign-in, updates...) never reach a run or its errors.
      expect(done.steps[0].error).not.toMatch(/google|gstatic|Chromium's own/i);
    },
  );

  it('blames a refusal only on the run that caused it', async () => {
    const res = await stack.request('/api/runs', {
      body: {
        name: 'noisy',
        baseUrl: site.base,
        steps: [
          { action: 'goto', url: '/noisy' },
          { action: 'waitFor', selector: '#never', timeoutMs: 30_000 },
        ],
        options: { trace: 'off' },
      },
    });
    const noisy = (await json(res)).id as string;
    await pollUntil(
      () => run(noisy),
      (r) => r.steps.length >= 1 || RUN_END.includes(r.status),
      30_000,
      'the noisy page open',
    );
    // A network error of its own, while the other run's page has its requests refused.
    const closedPort = await freePort();
    const done = await runToEnd({
      name: 'closed port',
      steps: [{ action: 'goto', url: `http://127.0.0.1:${closedPort}/` }],
    });
    expect(done.status).toBe('failed');
    expect(done.steps[0].error).toMatch(/net::ERR_/);
    expect(done.steps[0].error).not.toMatch(/egress guard|10\.0\.0\.1/);
    await stack.request(`/api/runs/${noisy}/cancel`, { method: 'POST' });
  });

  it('renders a page with blocked subresources, and refuses a redirect to a blocked address, in render mode', async () => {
    const [embeds] = await scrapeToEnd({ url: `${site.base}/embeds`, render: true, timeoutMs: STEP_TIMEOUT_MS });
    expect(embeds).toMatchObject({ state: 'done', error: null, title: 'Embeds' });
    const [metadata] = await scrapeToEnd({ url: `${site.base}/to-metadata`, render: true });
    expect(metadata.state).toBe('failed');
    expect(metadata.error).toMatch(/^refused by the egress guard: /);
    expect(metadata.error).toMatch(BLOCKED.metadata[1]);
  });

  it.each(['nat64', 'sixToFour', 'metadata'] as const)(
    'refuses a scrape redirected to a %s address at connect time, naming the refusal',
    async (name) => {
      const [page] = await scrapeToEnd({ url: `${site.base}/to-${name}` });
      expect(page.state).toBe('failed');
      expect(page.error).toMatch(/^refused by the egress guard: /);
      expect(page.error).toMatch(BLOCKED[name][1]);
    },
  );
});
