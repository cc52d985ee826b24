import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A crawled page's URL as it is requested (the link as written, without its fragment),
 * next to `url`, its normalised key. Dedupe keeps using the key; robots.txt rules are
 * matched on, and the request is sent to, the URL as written: normalising sorts the
 * query, so an `Allow: /search?q=a&page=2` could never match the link it was written for.
 * Null on rows from before: those are requested at `url`, as before.
 */
export class ScrapedPageRequestUrl1795400000006 implements MigrationInterface {
  name = 'ScrapedPageRequestUrl1795400000006';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE scraped_pages ADD COLUMN request_url text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE scraped_pages DROP COLUMN request_url`);
  }
}
