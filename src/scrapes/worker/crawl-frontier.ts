import type { DataSource } from 'typeorm';

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

  async record(id: string, page: PageRecord): Promise<void> {
    await this.db.query(
      `UPDATE scraped_pages SET state = $2, final_url = $3, status_code = $4, content_type = $5, title = $6, description = $7, canonical_url = $8,
         markdown = $9, text = $10, html = $11, links = $12, content_hash = $13, fetched_at = now(), duration_ms = $14, error = $15
       WHERE id = $1`,
      [
        id,
        page.state,
        page.finalUrl,
        page.statusCode,
        page.contentType?.slice(0, 200) ?? null,
        page.title,
        page.description,
        page.canonicalUrl,
        page.markdown,
        page.text,
        page.html,
        page.links === null ? null : JSON.stringify(page.links),
        page.contentHash,
        page.durationMs,
        page.error,
      ],
    );
  }
}
