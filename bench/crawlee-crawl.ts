import { CheerioCrawler, Configuration, log } from '@crawlee/cheerio';

log.setLevel(log.LEVELS.OFF);

/**
 * What a user would pick instead of the platform: Crawlee's CheerioCrawler, robots.txt
 * respected, nothing persisted (its request queue in memory, a fresh one each crawl), the
 * same number of pages at once, following the site's links from `start`. Stores nothing.
 * Pages per second.
 */
export async function crawleeCrawl(start: string, pages: number, width: number): Promise<number> {
  let fetched = 0;
  const config = new Configuration({ persistStorage: false, purgeOnStart: true });
  const crawler = new CheerioCrawler(
    {
      respectRobotsTxtFile: true,
      minConcurrency: width,
      maxConcurrency: width,
      maxRequestsPerCrawl: pages,
      maxRequestRetries: 0,
      async requestHandler({ enqueueLinks }) {
        fetched++;
        await enqueueLinks({ strategy: 'same-hostname' });
      },
    },
    config,
  );
  const started = performance.now();
  await crawler.run([start]);
  const rate = pages / ((performance.now() - started) / 1000);
  await crawler.teardown();
  if (fetched !== pages) throw new Error(`Crawlee fetched ${fetched} pages, not ${pages}`);
  return rate;
}
