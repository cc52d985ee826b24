import { load } from 'cheerio';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { Agent, request } from 'undici';
import { pollUntil } from '../test/helpers/poll';
import { Stack } from '../test/helpers/stack';
import { crawleeCrawl } from './crawlee-crawl';
import { Figure, median } from './harness';
import { peakRssMiB } from './process-memory';

const PAGES = Number(process.env.BENCH_PAGES ?? 1000);
const CONCURRENCIES = [10, 50];

/** About 40 KB of HTML per page: text, a table, and links to seven other pages and the first ten. */
function pageHtml(i: number): string {
  const paragraph = `<p>${'Stevedore crawls this page to measure itself against a bare crawler. '.repeat(16)}</p>`;
  const table = `<table><tr><th>key</th><th>value</th></tr>${Array.from({ length: 10 }, (_, r) => `<tr><td>row ${r}</td><td>${i * r}</td></tr>`).join('')}</table>`;
  const links = [
    ...Array.from({ length: 7 }, (_, k) => (i * 7 + k + 1) % PAGES),
    ...Array.from({ length: 10 }, (_, k) => k),
  ]
    .map((p) => `<a href="/p/${p}">page ${p}</a>`)
    .join(' ');
  return `<!doctype html><html><head><title>Page ${i}</title><meta name="description" content="Benchmark page ${i}"></head><body><h1>Page ${i}</h1>${paragraph.repeat(33)}${table}<nav>${links}</nav></body></html>`;
}

async function serveSite(): Promise<{ server: Server; base: string }> {
  const pages = Array.from({ length: PAGES }, (_, i) => Buffer.from(pageHtml(i)));
  const server = createServer((req, res) => {
    const m = /^\/p\/(\d+)$/.exec(req.url ?? '');
    const page = m ? pages[Number(m[1])] : undefined;
    if (!page) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': page.length }).end(page);
  });
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** The bare minimum: undici + cheerio, breadth-first, `width` pages at once, nothing stored. */
async function bareCrawl(base: string, width: number): Promise<number> {
  const agent = new Agent({ connections: width });
  const seen = new Set([`${base}/p/0`]);
  const queue = [`${base}/p/0`];
  let fetched = 0;
  const started = performance.now();
  const worker = async () => {
    for (let url = queue.shift(); url; url = queue.shift()) {
      const res = await request(url, { dispatcher: agent });
      const $ = load(await res.body.text());
      fetched++;
      $('a[href]').each((_, a) => {
        const next = new URL($(a).attr('href')!, url).href.replace(/#.*$/, '');
        if (!seen.has(next) && seen.size < PAGES && next.startsWith(base)) {
          seen.add(next);
          queue.push(next);
        }
      });
    }
  };
  // Workers leave when the queue is momentarily empty; restart them until nothing is left.
  while (queue.length) await Promise.all(Array.from({ length: width }, worker));
  await agent.close();
  if (fetched !== PAGES) throw new Error(`bare crawler fetched ${fetched} pages, not ${PAGES}`);
  return PAGES / ((performance.now() - started) / 1000);
}

/**
 * Crawl a generated PAGES-page site (about 40 KB a page) at concurrency 10 and 50: through
 * the platform (API, queue, worker fetching, extracting markdown and links, storing every
 * page) against what a user would pick instead, Crawlee's CheerioCrawler (robots.txt
 * respected, nothing persisted, nothing stored), and the bare minimum, an undici + cheerio
 * breadth-first crawler; both in the benchmark process, taking turns with the platform.
 */
export async function scrapesBenchmark(
  env: Record<string, string>,
  reps: number,
  databaseUrl: string,
): Promise<Figure[]> {
  const { server, base } = await serveSite();
  const stack = await new Stack({
    ...env,
    ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
    SCRAPE_HOST_CONCURRENCY: '64',
    ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
    // The memory table in BENCHMARKS.md compares growing factors (0: V8's own).
    ...(process.env.BENCH_WORKER_HEAP_GROWING_PERCENT
      ? { WORKER_HEAP_GROWING_PERCENT: process.env.BENCH_WORKER_HEAP_GROWING_PERCENT }
      : {}),
  }).start();
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const figures: Figure[] = [];
  try {
    for (const width of CONCURRENCIES) {
      const platform = async () => {
        const started = performance.now();
        const res = await stack.request('/api/scrapes', {
          body: {
            url: `${base}/p/0`,
            mode: 'crawl',
            maxPages: PAGES,
            maxDepth: 50,
            concurrency: width,
            // As Crawlee does (respectRobotsTxtFile): the site has no robots.txt, so one 404 more.
            respectRobots: true,
          },
        });
        if (res.status !== 201) throw new Error(`POST /api/scrapes answered ${res.status}: ${await res.text()}`);
        const { id } = (await res.json()) as { id: string };
        const done = await pollUntil(
          async () =>
            (await db.query(`SELECT status, pages_done FROM scrapes WHERE id = $1`, [id])).rows[0] as {
              status: string;
              pages_done: number;
            },
          (s) => s.status !== 'queued' && s.status !== 'running',
          300000,
          'crawl ended',
          10, // a crawl takes about 2 s: pollUntil's usual 100 ms would be 5 % of it
        );
        const rate = PAGES / ((performance.now() - started) / 1000);
        if (done.status !== 'completed' || done.pages_done !== PAGES)
          throw new Error(`crawl ended ${done.status} with ${done.pages_done} pages`);
        await db.query(`DELETE FROM scrapes WHERE id = $1`, [id]);
        return rate;
      };
      const crawlee = () => crawleeCrawl(`${base}/p/0`, PAGES, width);
      const bare = () => bareCrawl(base, width);
      // One of each to warm up, then the three take turns.
      for (const crawl of [crawlee, bare, platform]) await crawl();
      const rounds = { crawlee: [] as number[], bare: [] as number[], platform: [] as number[] };
      for (let i = 0; i < reps; i++) {
        rounds.crawlee.push(await crawlee());
        rounds.bare.push(await bare());
        rounds.platform.push(await platform());
      }
      const s = median(rounds.platform);
      const metric = `pages/s, ${PAGES}-page crawl (~40 KB a page), concurrency ${width}`;
      for (const [against, samples, target] of [
        ['Crawlee CheerioCrawler', rounds.crawlee, '>= 1.0 (aim 1.3)'],
        ['bare undici + cheerio', rounds.bare, '>= 0.7'],
      ] as const)
        figures.push({
          scenario: 'scrapes',
          metric: `${metric}, against ${against}`,
          unit: '1/s',
          stevedore: s,
          bare: median(samples),
          ratio: s / median(samples),
          target,
          samples: { stevedore: rounds.platform, bare: samples },
        });
    }
    const peak = peakRssMiB(stack.worker.child.pid!);
    figures.push({
      scenario: 'scrapes',
      metric: 'worker peak RSS over all crawls (VmHWM)',
      unit: 'MiB',
      stevedore: peak,
      bare: 0,
      ratio: 0,
      target: '< 300 MB',
      samples: { stevedore: [peak], bare: [] },
    });
    return figures;
  } finally {
    await db.end();
    await stack.stop();
    await new Promise((resolve) => server.close(resolve));
  }
}
