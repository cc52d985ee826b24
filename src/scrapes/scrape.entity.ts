import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { JobRow } from '../database/job-row';
import { JSONObjectScalar } from '../graphql/json-object.scalar';
import type { ScrapeRequest } from './scrape-request';
import { ProjectColumn, ProjectListIndex } from '../projects/project-column';

export enum ScrapeStatus {
  queued = 'queued',
  running = 'running',
  completed = 'completed',
  failed = 'failed',
  cancelled = 'cancelled',
  timed_out = 'timed_out',
}
registerEnumType(ScrapeStatus, {
  name: 'ScrapeStatus',
  description: 'Where a scrape is',
  valuesMap: {
    queued: { description: 'Waiting for a worker' },
    running: { description: 'A worker is fetching its pages' },
    completed: { description: 'Done (some pages may have failed: see errors)' },
    failed: { description: 'It could not be done' },
    cancelled: { description: 'Cancelled before it ended' },
    timed_out: { description: 'It ran past its timeout' },
  },
});

export const FINAL_SCRAPE_STATUSES: readonly ScrapeStatus[] = [
  ScrapeStatus.completed,
  ScrapeStatus.failed,
  ScrapeStatus.cancelled,
  ScrapeStatus.timed_out,
];

@ObjectType('ScrapeError', { description: 'A page that could not be fetched or read' })
export class ScrapeErrorItem {
  @Field({ description: 'The page' }) url: string;
  @Field({ description: 'Why it failed' }) error: string;
}

/** One page scrape or one crawl. The API creates it `queued`; the worker owns every later change. */
@ObjectType('Scrape', { description: 'A page scrape or a crawl' })
@Entity('scrapes')
@Check('scrapes_mode_ck', `mode IN ('page', 'crawl')`)
@Check('scrapes_status_ck', `status IN ('queued', 'running', 'completed', 'failed', 'cancelled', 'timed_out')`)
@Index('scrapes_created_idx', { synchronize: false })
@ProjectListIndex('scrapes')
export class Scrape extends JobRow {
  /** The project it belongs to. */
  @ProjectColumn()
  projectId: string;

  /** Also the BullMQ job id. */
  @Field(() => ID, { description: "The scrape's id" })
  @PrimaryColumn('uuid')
  id: string;

  @Field({ description: 'The page, or where a crawl starts' })
  @Column({ type: 'text' })
  url: string;

  @Field({ description: 'page or crawl' })
  @Column({ type: 'varchar', length: 8 })
  mode: string;

  @Field(() => JSONObjectScalar, { description: 'The request as accepted, with defaults filled in' })
  @Column({ type: 'jsonb' })
  request: ScrapeRequest;

  @Field(() => ScrapeStatus, { description: 'Where it is' })
  @Column({ type: 'varchar', length: 16, default: ScrapeStatus.queued })
  status: ScrapeStatus;

  @Field(() => Int, { description: 'Pages fetched and stored' })
  @Column({ name: 'pages_done', type: 'int', default: 0 })
  pagesDone: number;

  @Field(() => Int, { description: 'Pages that could not be fetched or read (see errors)' })
  @Column({ name: 'pages_failed', type: 'int', default: 0 })
  pagesFailed: number;

  @Field(() => Int, { description: 'Pages found and waiting to be fetched' })
  @Column({ name: 'pages_queued', type: 'int', default: 0 })
  pagesQueued: number;

  @Field(() => [ScrapeErrorItem], { description: 'The first failed pages with their error' })
  errors?: ScrapeErrorItem[];
}
