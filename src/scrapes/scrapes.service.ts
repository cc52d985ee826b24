import { InjectQueue } from '@nestjs/bullmq';
import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { CursorPage, newestFirstPage } from '../http/cursor';
import { AppConfig } from '../config/app-config.service';
import { AddressPolicy } from '../egress/address-policy';
import { FairQueues } from '../queues/fair/fair-queues';
import { JobRowCancelRequest } from '../queues/job-row-cancel-request';
import { REDIS } from '../redis/redis.module';
import { SCRAPE_JOB, type ScrapeJobData } from './scrape-job';
import { parseScrapeRequest, ScrapeFormat, scrapeLimits, ScrapeRequest } from './scrape-request';
import { Scrape, ScrapeStatus } from './scrape.entity';
import { ScrapedPage } from './scraped-page.entity';

/** Fields of a page a client may ask for (`?fields=url,title,markdown`); the id always comes. */
export const PAGE_FIELDS = [
  'url',
  'finalUrl',
  'depth',
  'state',
  'statusCode',
  'contentType',
  'title',
  'description',
  'canonicalUrl',
  'markdown',
  'text',
  'html',
  'links',
  'contentHash',
  'fetchedAt',
  'durationMs',
  'error',
] as const;
export type PageField = (typeof PAGE_FIELDS)[number];
/** What every page carries without `?fields=`; the content formats the scrape asked for come with them. */
const BASE_PAGE_FIELDS: PageField[] = [
  'url',
  'finalUrl',
  'depth',
  'state',
  'statusCode',
  'title',
  'description',
  'canonicalUrl',
  'contentHash',
  'fetchedAt',
  'error',
];
const ERRORS_SHOWN = 20;

/** Without ?fields=, the formats the scrape asked for (markdown, text, html, links) come too: what was stored is what is shown. */
export function defaultPageFields(formats: readonly ScrapeFormat[]): PageField[] {
  return [...BASE_PAGE_FIELDS, ...formats.filter((f) => PAGE_FIELDS.includes(f))];
}

export interface PagesPage {
  /** `id` always; the other fields as ?fields= chose. */
  items: Array<Partial<ScrapedPage> & Pick<ScrapedPage, 'id'>>;
  nextCursor: string | null;
}

/** Scrapes on the API side: accept (validate, store, queue), read with pages, cancel. */
@Injectable()
export class ScrapesService {
  private readonly cancels: JobRowCancelRequest<ScrapeStatus>;

  constructor(
    @InjectRepository(Scrape) private readonly scrapes: Repository<Scrape>,
    @InjectRepository(ScrapedPage) private readonly pages: Repository<ScrapedPage>,
    @InjectQueue(SCRAPE_JOB.queue) private readonly queue: Queue<ScrapeJobData>,
    @Inject(REDIS) redis: Redis,
    private readonly fair: FairQueues,
    private readonly config: AppConfig,
    private readonly egress: AddressPolicy,
  ) {
    this.cancels = new JobRowCancelRequest(
      {
        table: 'scrapes',
        noun: 'Scrape',
        queued: ScrapeStatus.queued,
        running: ScrapeStatus.running,
        cancelled: ScrapeStatus.cancelled,
        queuedReturns: 'id',
      },
      { db: scrapes, queue, fair, redis, queuePrefix: config.env.QUEUE_PREFIX },
    );
  }

  /** Queues a scrape in the caller's project. */
  async create(body: unknown, projectId: string): Promise<Scrape> {
    const request = await this.validate(body);
    const scrape = this.scrapes.create({
      id: randomUUID(),
      projectId,
      url: request.url,
      mode: request.mode,
      request,
      priority: request.priority,
      status: ScrapeStatus.queued,
    });
    await this.scrapes.insert(scrape);
    const job = {
      name: SCRAPE_JOB.name,
      data: SCRAPE_JOB.rows.jobData(scrape.id),
      opts: { jobId: scrape.id, priority: request.priority },
    };
    await this.fair.enqueueOrWithdraw(this.queue, projectId, job, async () => {
      await this.scrapes.delete({ id: scrape.id });
    });
    return scrape;
  }

  /** Field-by-field checks, then the egress rule for the start URL (each redirect and link is checked again by the worker). */
  private async validate(body: unknown): Promise<ScrapeRequest> {
    const { request, errors } = parseScrapeRequest(body, scrapeLimits(this.config.env));
    if (!request) throw new BadRequestException(errors);
    const verdict = await this.egress.check(request.url);
    if (!verdict.allowed) throw new BadRequestException([`url is not allowed: ${verdict.reason}`]);
    return request;
  }

  /**
   * The scrape with its first errors. A scrape of another project is not found, exactly as
   * an unknown id; `projectId` undefined reads any project's, only for the live hub's
   * re-reads of a job a subscriber was already let follow.
   */
  async get(id: string, projectId: string | undefined): Promise<Scrape> {
    const scrape = await this.scrapes.findOneBy(projectId === undefined ? { id } : { id, projectId });
    if (!scrape) throw new NotFoundException(`Scrape ${id} not found`);
    scrape.errors = await this.errorsOf(id);
    return scrape;
  }

  /** The project's scrapes, newest first (without their errors); the cursor is the last item's createdAt|id. */
  list(projectId: string, query: { limit?: number; cursor?: string }): Promise<CursorPage<Scrape>> {
    const qb = this.scrapes.createQueryBuilder('s').where('s.project_id = :projectId', { projectId });
    return newestFirstPage(qb, 'created_at', (scrape) => scrape.createdAt, query);
  }

  /** The first failed pages of a scrape (one the caller already read in its project). */
  async errorsOf(id: string): Promise<Array<{ url: string; error: string }>> {
    const failed = await this.pages.find({
      select: { url: true, error: true },
      where: { scrapeId: id, state: 'failed' },
      order: { id: 'ASC' },
      take: ERRORS_SHOWN,
    });
    return failed.map((p) => ({ url: p.url, error: p.error ?? 'failed' }));
  }

  /** Stored pages (done or failed) in the order they were found; `cursor` is the last id seen. */
  async listPages(
    id: string,
    projectId: string,
    query: { limit?: number; cursor?: string; fields?: string },
  ): Promise<PagesPage> {
    const limit = query.limit ?? 20;
    if (!Number.isInteger(limit) || limit < 1 || limit > 200)
      throw new BadRequestException(['limit must be a whole number from 1 to 200']);
    if (query.cursor !== undefined && !/^\d{1,18}$/.test(query.cursor))
      throw new BadRequestException(['cursor is not a cursor this API gave out']);
    const asked = this.fieldsOf(query.fields);
    const scrape = await this.scrapes.findOne({ select: { id: true, request: true }, where: { id, projectId } });
    if (!scrape) throw new NotFoundException(`Scrape ${id} not found`);
    const fields = asked ?? defaultPageFields(scrape.request.formats);
    const qb = this.pages
      .createQueryBuilder('p')
      .select(['p.id', ...fields.map((f) => `p.${f}`)])
      .where('p.scrape_id = :id', { id })
      .andWhere(`p.state IN ('done', 'failed')`)
      .orderBy('p.id', 'ASC')
      .take(limit + 1);
    if (query.cursor) qb.andWhere('p.id > :cursor', { cursor: query.cursor });
    const rows = await qb.getMany();
    const items = rows.slice(0, limit);
    return { items, nextCursor: rows.length > limit ? String(items[items.length - 1].id) : null };
  }

  /** The fields asked for, or undefined for the default. */
  private fieldsOf(raw: string | undefined): PageField[] | undefined {
    if (raw === undefined || raw.trim() === '') return undefined;
    const asked = raw
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean);
    const unknown = asked.filter((f) => !PAGE_FIELDS.includes(f as PageField));
    if (unknown.length)
      throw new BadRequestException([
        `fields has unknown ${unknown.length > 1 ? 'names' : 'name'} ${unknown.join(', ')}; choose from ${PAGE_FIELDS.join(', ')}`,
      ]);
    return [...new Set(asked as PageField[])];
  }

  /**
   * A queued scrape leaves the queue and is cancelled here; a running one is asked to stop
   * through Redis (whichever worker holds it aborts it and records `cancelled`).
   */
  async cancel(id: string, projectId: string): Promise<{ id: string; status: ScrapeStatus; cancelRequested: boolean }> {
    // A row never changes project: checked once, the cancel below acts on this project's scrape.
    if (!(await this.scrapes.existsBy({ id, projectId }))) throw new NotFoundException(`Scrape ${id} not found`);
    return this.cancels.cancel(id);
  }
}
