import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config.service';
import { AddressPolicy } from '../../egress/address-policy';
import { JobRunKit } from '../../worker-runtime/job-run-kit';
import type { JobStop } from '../../worker-runtime/job-stop';
import { STOP_REASONS } from '../../worker-runtime/stop-reasons';
import { CrawlFrontier, FrontierEntry } from './crawl-frontier';
import { HostGate } from './host-gate';
import { extractPage } from './page-extractor';
import { failedPage, FetchedPage, PageFetcher } from './page-fetcher';
import { PageRenderer } from './page-renderer';
import { PathRules } from '../path-rules';
import { ROBOTS_MAX_BYTES, RobotsRules } from './robots-rules';
import { SCRAPE_JOB } from '../scrape-job';
import type { ScrapeRequest } from '../scrape-request';
import { ScrapeStatus } from '../scrape.entity';
import { parseSitemap } from './sitemap';
import { isSameOrigin, linkForms, normalizeUrl, requestUrl } from './url-normalizer';

/** A page's processing failed for a platform reason (database, Redis): the others stop, the job is retried. */
const FAULT_REASON = 'fault';
const PROGRESS_EVERY_MS = 250;
const MAX_SITEMAPS = 5;
/** A robots.txt Crawl-delay above this is capped: one page a minute would never finish. */
const MAX_CRAWL_DELAY_MS = 10_000;
/** RFC 9309 §2.3.1.2: follow at least five consecutive redirects for robots.txt. */
const ROBOTS_MAX_REDIRECTS = 5;

export interface ScrapeOutcome {
  status: ScrapeStatus | 'skipped';
  error?: string;
  pagesDone?: number;
  pagesFailed?: number;
}

/** What the worker reports as job progress: the scrape's counters as pages are stored. */
export interface ScrapeProgress {
  type: 'progress';
  status: ScrapeStatus;
  pagesDone: number;
  pagesFailed: number;
  pagesQueued: number;
}

/** One scrape in progress: its request, rules and counters. */
interface Crawl {
  id: string;
  job: Job;
  request: ScrapeRequest;
  origin: string;
  frontier: CrawlFrontier;
  known: Set<string>;
  done: number;
  failed: number;
  rules: PathRules;
  robots: RobotsRules;
  stop: JobStop;
  lastProgress: number;
  firstError?: string;
}

/**
 * Scrapes one page or crawls one site, breadth-first: claims the scrape, continues from
 * what is stored (a retry after a crash fetches nothing twice), respects robots.txt and
 * its Crawl-delay, seeds from sitemap.xml, keeps each page as it arrives and reports the
 * counters as job progress. Cancel and timeout stop it within the page timeout at most
 * (in-flight fetches are aborted), keeping what was fetched.
 */
@Injectable()
export class ScrapeExecutor implements OnApplicationShutdown {
  private readonly logger = new Logger(ScrapeExecutor.name);
  private readonly fetcher: PageFetcher;
  private readonly gate = new HostGate();

  constructor(
    private readonly db: DataSource,
    private readonly config: AppConfig,
    private readonly renderer: PageRenderer,
    egress: AddressPolicy,
  ) {
    const env = config.env;
    this.fetcher = new PageFetcher(egress, {
      userAgent: env.SCRAPE_USER_AGENT,
      maxBytes: env.SCRAPE_MAX_PAGE_BYTES,
      timeoutMs: env.SCRAPE_PAGE_TIMEOUT_MS,
      retries: 2,
      retryBaseMs: 500,
    });
  }

  async execute(job: Job, scrapeId: string, signal: AbortSignal): Promise<ScrapeOutcome> {
    const kit = new JobRunKit(this.db, SCRAPE_JOB.rows, scrapeId, job, signal);
    const request = await this.claim(scrapeId);
    if (!request) return { status: (await kit.settleUnclaimed()) === 'cancelled' ? ScrapeStatus.cancelled : 'skipped' };
    const started = Date.now();
    const stop = kit.startStop(request.timeoutMs);
    const frontier = new CrawlFrontier(this.db, scrapeId);
    try {
      await frontier.requeueInFlight();
      const stored = await frontier.load();
      const crawl: Crawl = {
        id: scrapeId,
        job,
        request,
        origin: new URL(request.url).origin,
        frontier,
        known: stored.urls,
        done: stored.done,
        failed: stored.failed,
        rules: new PathRules(request.includePaths, request.excludePaths),
        robots: RobotsRules.allowAll(),
        stop,
        lastProgress: 0,
      };
      try {
        if (request.respectRobots) crawl.robots = await this.robotsOf(crawl);
        if (crawl.known.size === 0) await this.seed(crawl);
        await this.report(crawl, true);
        await this.crawl(crawl);
      } catch (error) {
        // Stopped (cancel, timeout, shutdown) while fetching robots.txt or a sitemap: an end, not a fault.
        if (!stop.signal.aborted || stop.signal.reason === FAULT_REASON) throw error;
      }
      await frontier.requeueInFlight();
      stop.handBackIfShutdown();
      const outcome = this.outcomeOf(crawl);
      await this.finish(crawl, outcome, started);
      return outcome;
    } catch (error) {
      // A fault (database, Redis) or a shutdown: the job is retried or handed back, and
      // the next attempt continues from the stored frontier.
      await frontier.requeueInFlight().catch(() => undefined);
      return await kit.fault(error, {
        prefix: 'platform fault: ',
        logger: this.logger,
        logFields: { scrapeId },
        logMessage: 'Scrape hit a fault',
        // No retry follows: the scrape ends here, with the pages it has, rather than stay `running`.
        ended: (message) =>
          this.db
            .query(
              `UPDATE scrapes SET status = 'failed', error = $2, finished_at = now(), duration_ms = $3, updated_at = now() WHERE id = $1 AND status = 'running'`,
              [scrapeId, message, Date.now() - started],
            )
            .catch((err: unknown) => this.logger.error({ scrapeId, err }, 'Could not record the end of a scrape')),
      });
    } finally {
      stop.dispose();
    }
  }

  /** queued (or running, after a crash or hand-back) → running; anything else is not ours. */
  private async claim(scrapeId: string): Promise<ScrapeRequest | undefined> {
    const [rows] = (await this.db.query(
      `UPDATE scrapes SET status = 'running', attempt = attempt + 1, worker = $2, started_at = COALESCE(started_at, now()), updated_at = now()
       WHERE id = $1 AND status IN ('queued', 'running') AND NOT cancel_requested RETURNING request`,
      [scrapeId, this.config.workerName],
    )) as [Array<{ request: ScrapeRequest }>, number];
    return rows[0]?.request;
  }

  /**
   * robots.txt of the start URL's origin, read as RFC 9309 §2.3 says: redirects followed
   * (up to 5), the first 500 KiB parsed whatever its content type; 4xx (or too many
   * redirects) means there is none and everything is allowed; 5xx, 429 and an unreachable
   * server (after the fetcher's retries) mean a complete disallow, so the crawl fetches nothing.
   */
  private async robotsOf(crawl: Crawl): Promise<RobotsRules> {
    const url = `${crawl.origin}/robots.txt`;
    const res = await this.fetcher.fetch(url, crawl.stop.signal, {
      accept: 'any',
      maxRedirects: ROBOTS_MAX_REDIRECTS,
      truncateAt: ROBOTS_MAX_BYTES,
    });
    return RobotsRules.fromFetch(res, this.config.env.SCRAPE_USER_AGENT);
  }

  /** The start URL, and for a crawl the same-origin URLs of its sitemaps. */
  private async seed(crawl: Crawl): Promise<void> {
    const start = normalizeUrl(crawl.request.url) ?? crawl.request.url;
    crawl.known.add(start);
    // Stored even when robots.txt refuses it: page() records it failed with the rule, unfetched.
    await crawl.frontier.add([{ url: start, requestUrl: requestUrl(crawl.request.url) ?? start, depth: 0 }]);
    if (crawl.request.mode !== 'crawl' || crawl.request.maxDepth < 1) return;
    const pending = crawl.robots.sitemaps().length ? crawl.robots.sitemaps() : [`${crawl.origin}/sitemap.xml`];
    const found: string[] = [];
    for (let i = 0; i < pending.length && i < MAX_SITEMAPS; i++) {
      if (this.robotsRefusal(crawl, pending[i]) !== undefined) continue;
      const res = await this.fetcher.fetch(pending[i], crawl.stop.signal, {
        accept: ['application/xml', 'text/xml', 'text/plain'],
        refuse: (url) => this.robotsRefusal(crawl, url),
      });
      if (res.body === null) continue;
      const sitemap = parseSitemap(res.body);
      found.push(...sitemap.urls);
      pending.push(...sitemap.sitemaps.filter((s) => !pending.includes(s)));
    }
    await this.discover(crawl, found, 1);
  }

  /** Keeps the URLs a crawl may follow: same origin, allowed paths and robots, new, within maxPages. */
  private async discover(crawl: Crawl, urls: readonly string[], depth: number): Promise<void> {
    if (crawl.request.mode !== 'crawl' || depth > crawl.request.maxDepth) return;
    const fresh: Array<Omit<FrontierEntry, 'id'>> = [];
    for (const raw of urls) {
      if (crawl.known.size >= crawl.request.maxPages) break;
      // Deduped on the normalised key; robots.txt judges the URL as it will be requested.
      const forms = linkForms(raw);
      if (!forms || crawl.known.has(forms.key)) continue;
      const { key: url, request: asRequested } = forms;
      const parsed = new URL(url);
      if (parsed.origin !== crawl.origin || !crawl.rules.allows(parsed.pathname) || !crawl.robots.allows(asRequested))
        continue;
      crawl.known.add(url);
      fresh.push({ url, requestUrl: asRequested, depth });
    }
    await crawl.frontier.add(fresh);
  }

  /** Up to `concurrency` pages at once until nothing is queued or in flight (or it is stopped). */
  private async crawl(crawl: Crawl): Promise<void> {
    const width = crawl.request.concurrency;
    const buffer: FrontierEntry[] = [];
    const inFlight = new Set<Promise<void>>();
    let fault: unknown;
    while (!crawl.stop.signal.aborted && fault === undefined) {
      while (inFlight.size < width && !crawl.stop.signal.aborted) {
        if (buffer.length === 0) buffer.push(...(await crawl.frontier.take(width * 2)));
        const entry = buffer.shift();
        if (!entry) break;
        const task: Promise<void> = this.page(crawl, entry)
          .catch((error: unknown) => {
            if (!crawl.stop.signal.aborted) {
              fault = error;
              crawl.stop.abort(FAULT_REASON);
            }
          })
          .finally(() => inFlight.delete(task));
        inFlight.add(task);
      }
      if (inFlight.size === 0) {
        // Pages that ended while `take` was reading may have queued their links after it
        // read: with nothing in flight now, one more look is the definitive one. (Without
        // it a crawl ended `completed` with pages still queued.)
        buffer.push(...(await crawl.frontier.take(width * 2)));
        if (buffer.length === 0) break;
        continue;
      }
      await Promise.race(inFlight);
    }
    await Promise.allSettled(inFlight);
    if (fault !== undefined) throw fault;
  }

  private async page(crawl: Crawl, entry: FrontierEntry): Promise<void> {
    const t0 = Date.now();
    const host = new URL(entry.url).host;
    const delayMs = Math.max(
      this.config.env.SCRAPE_HOST_DELAY_MS,
      Math.min(crawl.robots.crawlDelayMs() ?? 0, MAX_CRAWL_DELAY_MS),
    );
    let release: (() => void) | undefined;
    let fetched: FetchedPage;
    try {
      // Never fetch what robots.txt refuses, the start URL included: the page is recorded failed with the rule.
      const refusal = this.robotsRefusal(crawl, entry.requestUrl);
      if (refusal !== undefined) fetched = failedPage(entry.requestUrl, null, refusal);
      else {
        release = await this.gate.acquire(
          host,
          { concurrency: this.config.env.SCRAPE_HOST_CONCURRENCY, delayMs },
          crawl.stop.signal,
        );
        fetched = crawl.request.render
          ? await this.renderer.render(entry.requestUrl, this.config.env.SCRAPE_PAGE_TIMEOUT_MS, crawl.stop.signal)
          : await this.fetcher.fetch(entry.requestUrl, crawl.stop.signal, {
              refuse: (url) => this.robotsRefusal(crawl, url),
            });
      }
    } catch (error) {
      if (crawl.stop.signal.aborted) return; // stays `fetching`: put back in the queue at the end
      throw error;
    } finally {
      release?.();
    }
    const formats = new Set(crawl.request.formats);
    const extracted =
      fetched.body === null
        ? undefined
        : extractPage(fetched.body, fetched.finalUrl, { text: formats.has('text'), markdown: formats.has('markdown') });
    const state = fetched.error === null ? 'done' : 'failed';
    await crawl.frontier.record(entry.id, {
      state,
      finalUrl: fetched.finalUrl,
      statusCode: fetched.statusCode,
      contentType: fetched.contentType,
      title: extracted?.title ?? null,
      description: extracted?.description ?? null,
      canonicalUrl: extracted?.canonicalUrl ?? null,
      markdown: extracted?.markdown ?? null,
      text: extracted?.text ?? null,
      html: formats.has('html') ? fetched.body : null,
      links: formats.has('links') && extracted ? extracted.links : null,
      contentHash: fetched.contentHash,
      durationMs: Date.now() - t0,
      error: fetched.error,
    });
    if (state === 'done') crawl.done++;
    else {
      crawl.failed++;
      crawl.firstError ??= `${entry.url}: ${fetched.error}`;
    }
    if (extracted) await this.discover(crawl, extracted.hrefs, entry.depth + 1);
    await this.report(crawl);
  }

  /**
   * Why robots.txt refuses `url`, for a URL on the crawl's origin (the only robots.txt
   * read); checked before the first request and before every redirect hop.
   */
  private robotsRefusal(crawl: Crawl, url: string): string | undefined {
    if (!isSameOrigin(url, crawl.origin)) return undefined;
    const verdict = crawl.robots.verdict(url);
    return verdict.allowed ? undefined : verdict.reason;
  }

  /** Counters on the row and as job progress, at most every 250 ms (and when forced). */
  private async report(crawl: Crawl, force = false): Promise<void> {
    const now = Date.now();
    if (!force && now - crawl.lastProgress < PROGRESS_EVERY_MS) return;
    crawl.lastProgress = now;
    const queued = crawl.known.size - crawl.done - crawl.failed;
    await this.db.query(
      `UPDATE scrapes SET pages_done = $2, pages_failed = $3, pages_queued = $4, updated_at = now() WHERE id = $1`,
      [crawl.id, crawl.done, crawl.failed, queued],
    );
    const progress: ScrapeProgress = {
      type: 'progress',
      status: ScrapeStatus.running,
      pagesDone: crawl.done,
      pagesFailed: crawl.failed,
      pagesQueued: queued,
    };
    await crawl.job.updateProgress(progress as unknown as object).catch(() => undefined);
  }

  private outcomeOf(crawl: Crawl): ScrapeOutcome {
    const counts = { pagesDone: crawl.done, pagesFailed: crawl.failed };
    const reason = crawl.stop.reason;
    if (reason === STOP_REASONS.cancel) return { status: ScrapeStatus.cancelled, error: 'cancelled', ...counts };
    if (reason === STOP_REASONS.timeout)
      return {
        status: ScrapeStatus.timed_out,
        error: `scrape timed out after ${crawl.request.timeoutMs} ms`,
        ...counts,
      };
    if (crawl.done === 0)
      return { status: ScrapeStatus.failed, error: crawl.firstError ?? 'no page could be fetched', ...counts };
    return { status: ScrapeStatus.completed, ...counts };
  }

  private async finish(crawl: Crawl, outcome: ScrapeOutcome, started: number): Promise<void> {
    const queued = crawl.known.size - crawl.done - crawl.failed;
    await this.db.query(
      `UPDATE scrapes SET status = $2, error = $3, pages_done = $4, pages_failed = $5, pages_queued = $6, finished_at = now(), duration_ms = $7, updated_at = now() WHERE id = $1`,
      [crawl.id, outcome.status, outcome.error ?? null, crawl.done, crawl.failed, queued, Date.now() - started],
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.fetcher.close();
  }
}
