import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { Scrape } from './scrape.entity';

/**
 * One URL of a scrape: found (`queued`), being fetched, then `done` or `failed` with what
 * was read. (scrape, url) is unique, so a page is fetched once however often it is found.
 */
@ObjectType('ScrapedPage', { description: 'A page a scrape stored' })
@Entity('scraped_pages')
@Unique('scraped_pages_url_uq', ['scrapeId', 'url'])
@Check('scraped_pages_state_ck', `state IN ('queued', 'fetching', 'done', 'failed')`)
@Index('scraped_pages_frontier_idx', ['scrapeId', 'state', 'depth', 'id'])
export class ScrapedPage {
  @Field(() => ID, { description: "The page's id" })
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'scrape_id', type: 'uuid' })
  scrapeId: string;

  @Field({ description: 'The URL as found, normalised' })
  @Column({ type: 'text' })
  url: string;

  /** The URL as requested (the link as written, without fragment); null means `url`. Internal: robots.txt and the request use it. */
  @Column({ name: 'request_url', type: 'text', nullable: true })
  requestUrl: string | null;

  @Field(() => Int, { description: 'Links followed from the start URL' })
  @Column({ type: 'int' })
  depth: number;

  @Field({ description: 'queued, fetching, done or failed' })
  @Column({ type: 'varchar', length: 16, default: 'queued' })
  state: string;

  @Field(() => String, { nullable: true, description: 'Where redirects ended' })
  @Column({ name: 'final_url', type: 'text', nullable: true })
  finalUrl: string | null;

  @Field(() => Int, { nullable: true, description: 'The HTTP status' })
  @Column({ name: 'status_code', type: 'int', nullable: true })
  statusCode: number | null;

  @Field(() => String, { nullable: true, description: "The response's media type" })
  @Column({ name: 'content_type', type: 'varchar', length: 200, nullable: true })
  contentType: string | null;

  @Field(() => String, { nullable: true, description: "The page's title" })
  @Column({ type: 'text', nullable: true })
  title: string | null;

  @Field(() => String, { nullable: true, description: "The page's meta description" })
  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Field(() => String, { nullable: true, description: "The page's canonical link" })
  @Column({ name: 'canonical_url', type: 'text', nullable: true })
  canonicalUrl: string | null;

  @Field(() => String, { nullable: true, description: 'The main content as Markdown, when asked for' })
  @Column({ type: 'text', nullable: true })
  markdown: string | null;

  @Field(() => String, { nullable: true, description: 'The main content as plain text, when asked for' })
  @Column({ type: 'text', nullable: true })
  text: string | null;

  @Field(() => String, { nullable: true, description: "The page's HTML, when asked for" })
  @Column({ type: 'text', nullable: true })
  html: string | null;

  @Field(() => [String], { nullable: true, description: 'The links on the page, when asked for' })
  @Column({ type: 'jsonb', nullable: true })
  links: string[] | null;

  @Field(() => String, { nullable: true, description: 'sha256 of the body' })
  @Column({ name: 'content_hash', type: 'varchar', length: 64, nullable: true })
  contentHash: string | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When it was fetched' })
  @Column({ name: 'fetched_at', type: 'timestamptz', nullable: true })
  fetchedAt: Date | null;

  @Field(() => Int, { nullable: true, description: 'How long fetching it took, in milliseconds' })
  @Column({ name: 'duration_ms', type: 'int', nullable: true })
  durationMs: number | null;

  @Field(() => String, { nullable: true, description: 'Why it failed, when it did' })
  @Column({ type: 'text', nullable: true })
  error: string | null;

  @ManyToOne('Scrape', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'scrape_id', foreignKeyConstraintName: 'scraped_pages_scrape_id_fkey' })
  scrape?: Scrape;
}
