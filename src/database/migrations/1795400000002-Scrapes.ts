import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Scrapes and crawls, and their pages. A crawl's frontier lives in scraped_pages too (rows
 * `queued` until fetched), so a crawl whose worker died resumes from what is stored.
 */
export class Scrapes1795400000002 implements MigrationInterface {
  name = 'Scrapes1795400000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE scrapes (
        id uuid PRIMARY KEY,
        url text NOT NULL,
        mode varchar(8) NOT NULL,
        request jsonb NOT NULL,
        status varchar(16) NOT NULL DEFAULT 'queued',
        priority int NOT NULL DEFAULT 5,
        attempt int NOT NULL DEFAULT 0,
        worker varchar(200),
        pages_done int NOT NULL DEFAULT 0,
        pages_failed int NOT NULL DEFAULT 0,
        pages_queued int NOT NULL DEFAULT 0,
        error text,
        cancel_requested boolean NOT NULL DEFAULT false,
        started_at timestamptz,
        finished_at timestamptz,
        duration_ms int,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT scrapes_mode_ck CHECK (mode IN ('page', 'crawl')),
        CONSTRAINT scrapes_status_ck CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled', 'timed_out'))
      )`);
    await q.query(`CREATE INDEX scrapes_created_idx ON scrapes (created_at DESC, id DESC)`);
    await q.query(`
      CREATE TABLE scraped_pages (
        id bigserial PRIMARY KEY,
        scrape_id uuid NOT NULL,
        url text NOT NULL,
        depth int NOT NULL,
        state varchar(16) NOT NULL DEFAULT 'queued',
        final_url text,
        status_code int,
        content_type varchar(200),
        title text,
        description text,
        canonical_url text,
        markdown text,
        text text,
        html text,
        links jsonb,
        content_hash varchar(64),
        fetched_at timestamptz,
        duration_ms int,
        error text,
        CONSTRAINT scraped_pages_scrape_id_fkey FOREIGN KEY (scrape_id) REFERENCES scrapes (id) ON DELETE CASCADE,
        CONSTRAINT scraped_pages_url_uq UNIQUE (scrape_id, url),
        CONSTRAINT scraped_pages_state_ck CHECK (state IN ('queued', 'fetching', 'done', 'failed'))
      )`);
    await q.query(`CREATE INDEX scraped_pages_frontier_idx ON scraped_pages (scrape_id, state, depth, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE scraped_pages`);
    await q.query(`DROP TABLE scrapes`);
  }
}
