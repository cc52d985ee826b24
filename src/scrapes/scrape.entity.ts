import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { Timestamped } from '../database/timestamped';
import { JSONObjectScalar } from '../graphql/json-object.scalar';
import type { ScrapeRequest } from './scrape-request';

export enum ScrapeStatus {
  queued = 'queued',
  running = 'running',
  completed = 'completed',
  failed = 'failed',
  cancelled = 'cancelled',
  timed_out = 'timed_out',
}
registerEnumType(ScrapeStatus, { name: 'ScrapeStatus' });

export const FINAL_SCRAPE_STATUSES: readonly ScrapeStatus[] = [ScrapeStatus.completed, ScrapeStatus.failed, ScrapeStatus.cancelled, ScrapeStatus.timed_out];

@ObjectType('ScrapeError')
export class ScrapeErrorItem {
  @Field() url: string;
  @Field() error: string;
}

/** One page scrape or one crawl. The API creates it `queued`; the worker owns every later change. */
@ObjectType('Scrape')
@Entity('scrapes')
@Check('scrapes_mode_ck', `mode IN ('page', 'crawl')`)
@Check('scrapes_status_ck', `status IN ('queued', 'running', 'completed', 'failed', 'cancelled', 'timed_out')`)
@Index('scrapes_created_idx', { synchronize: false })
export class Scrape extends Timestamped {
  /** Also the BullMQ job id. */
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  @Field()
  @Column({ type: 'text' })
  url: string;

  @Field({ description: 'page or crawl' })
  @Column({ type: 'varchar', length: 8 })
  mode: string;

  @Field(() => JSONObjectScalar, { description: 'The request as accepted, with defaults filled in' })
  @Column({ type: 'jsonb' })
  request: ScrapeRequest;

  @Field(() => ScrapeStatus)
  @Column({ type: 'varchar', length: 16, default: ScrapeStatus.queued })
  status: ScrapeStatus;

  @Field(() => Int)
  @Column({ type: 'int', default: 5 })
  priority: number;

  @Field(() => Int, { description: 'How many times a worker started it' })
  @Column({ type: 'int', default: 0 })
  attempt: number;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 200, nullable: true })
  worker: string | null;

  @Field(() => Int, { description: 'Pages fetched and stored' })
  @Column({ name: 'pages_done', type: 'int', default: 0 })
  pagesDone: number;

  @Field(() => Int, { description: 'Pages that could not be fetched or read (see errors)' })
  @Column({ name: 'pages_failed', type: 'int', default: 0 })
  pagesFailed: number;

  @Field(() => Int, { description: 'Pages found and waiting to be fetched' })
  @Column({ name: 'pages_queued', type: 'int', default: 0 })
  pagesQueued: number;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ name: 'cancel_requested', type: 'boolean', default: false })
  cancelRequested: boolean;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt: Date | null;

  @Field(() => Int, { nullable: true })
  @Column({ name: 'duration_ms', type: 'int', nullable: true })
  durationMs: number | null;

  @Field(() => [ScrapeErrorItem], { description: 'The first failed pages with their error' })
  errors?: ScrapeErrorItem[];
}
