import type { DataSource } from 'typeorm';
import { InFlightBatcher } from '../../batching/in-flight-batcher';

export interface FrontierEntry {
  id: string;
  /** The normalised key. */
  url: string;
  /** What is requested and checked against robots.txt: the URL as written. */
  requestUrl: string;
  depth: number;
}

/** What a fetched page left in its row. */
export interface PageRecord {
  state: 'done' | 'failed';
  finalUrl: string | null;
  statusCode: number | null;
  contentType: string | null;
  title: string | null;
  description: string | null;
  canonicalUrl: string | null;
  markdown: string | null;
  text: string | null;
  html: string | null;
  links: string[] | null;
  contentHash: string | null;
  durationMs: number;
  error: string | null;
}

/**
 * A scrape's pages in PostgreSQL, which is also its crawl frontier: a URL is a row from
 * the moment it is found (`queued`), taken breadth-first (`fetching`) and ended (`done` or
 * `failed`). Unique on (scrape, url), so nothing is fetched or stored twice, and a crawl
 * picked up by another worker continues from exactly what is stored.
 */
export class CrawlFrontier {
  /**
   * Pages that end, and links found, while the previous write is in flight are written
   * together: one UPDATE for many pages, one INSERT for many pages' links (fewer round
   * trips and commits; see BENCHMARKS.md, "Scrapes"). Each caller still waits for its own
   * write, so a page is stored before its links are queued, as before.
   */
  private readonly records = new InFlightBatcher<{ id: string; page: PageRecord }, void>((pages) =>
    this.recordAll(pages),
  );
  private readonly additions = new InFlightBatcher<Array<Omit<FrontierEntry, 'id'>>, void>((lists) =>
    this.addAll(lists),
  );

  constructor(
    private readonly db: DataSource,
    private readonly scrapeId: string,
  ) {}

  /** After a crash or hand-back: pages that were in flight go back to the queue. */
  async requeueInFlight(): Promise<void> {
    await this.db.query(`UPDATE scraped_pages SET state = 'queued' WHERE scrape_id = $1 AND state = 'fetching'`, [
      this.scrapeId,
    ]);
  }

  /** Every URL already known (any state), and how many ended done or failed. */
  async load(): Promise<{ urls: Set<string>; done: number; failed: number }> {
    const rows = (await this.db.query(`SELECT url, state FROM scraped_pages WHERE scrape_id = $1`, [
      this.scrapeId,
    ])) as Array<{ url: string; state: string }>;
    return {
      urls: new Set(rows.map((r) => r.url)),
      done: rows.filter((r) => r.state === 'done').length,
      failed: rows.filter((r) => r.state === 'failed').length,
    };
  }

  /** Adds new URLs (the caller has checked they are new and within maxPages). */
  async add(entries: Array<Omit<FrontierEntry, 'id'>>): Promise<void> {
    if (entries.length === 0) return;
    await this.additions.call(entries);
  }

  private async addAll(lists: Array<Array<Omit<FrontierEntry, 'id'>>>): Promise<void> {
    const entries = lists.flat();
    await this.db.query(
      `INSERT INTO scraped_pages (scrape_id, url, request_url, depth) SELECT $1, u, r, d FROM unnest($2::text[], $3::text[], $4::int[]) AS t(u, r, d) ON CONFLICT DO NOTHING`,
      [this.scrapeId, entries.map((e) => e.url), entries.map((e) => e.requestUrl), entries.map((e) => e.depth)],
    );
  }

  /** Takes the next `n` queued URLs, shallowest first, marking them in flight. */
  async take(n: number): Promise<FrontierEntry[]> {
    // TypeORM answers an UPDATE … RETURNING with [rows, affected].
    const [rows] = (await this.db.query(
      `UPDATE scraped_pages SET state = 'fetching' WHERE id IN (
         SELECT id FROM scraped_pages WHERE scrape_id = $1 AND state = 'queued' ORDER BY depth, id LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING id::text AS id, url, COALESCE(request_url, url) AS "requestUrl", depth`,
      [this.scrapeId, n],
    )) as [FrontierEntry[], number];
    // RETURNING keeps no order: breadth-first again.
    return rows.sort((a, b) => a.depth - b.depth || Number(a.id) - Number(b.id));
  }

  record(id: string, page: PageRecord): Promise<void> {
    return this.records.call({ id, page });
  }

  private async recordAll(batch: Array<{ id: string; page: PageRecord }>): Promise<void> {
    const column = <T>(value: (page: PageRecord) => T) => batch.map(({ page }) => value(page));
    await this.db.query(
      `UPDATE scraped_pages p SET state = v.state, final_url = v.final_url, status_code = v.status_code, content_type = v.content_type,
         title = v.title, description = v.description, canonical_url = v.canonical_url, markdown = v.markdown, text = v.text, html = v.html,
         links = v.links, content_hash = v.content_hash, fetched_at = now(), duration_ms = v.duration_ms, error = v.error
       FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                   $10::text[], $11::text[], $12::jsonb[], $13::text[], $14::int[], $15::text[])
         AS v(id, state, final_url, status_code, content_type, title, description, canonical_url, markdown, text, html, links, content_hash, duration_ms, error)
       WHERE p.id = v.id`,
      [
        batch.map(({ id }) => id),
        column((p) => p.state),
        column((p) => p.finalUrl),
        column((p) => p.statusCode),
        column((p) => p.contentType?.slice(0, 200) ?? null),
        column((p) => p.title),
        column((p) => p.description),
        column((p) => p.canonicalUrl),
        column((p) => p.markdown),
        column((p) => p.text),
        column((p) => p.html),
        column((p) => (p.links === null ? null : JSON.stringify(p.links))),
        column((p) => p.contentHash),
        column((p) => p.durationMs),
        column((p) => p.error),
      ],
    );
  }
}
