import { ProjectId } from '../auth/principal.decorator';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config.service';
import { ApiError, ApiEventStream, ApiJson } from '../docs/api-responses';
import { ApiQueryFrom, ApiRequestBody } from '../docs/api-requests';
import { SCRAPE_EXAMPLES } from '../docs/request-examples';
import { scrapeBody, scrapeCancelBody, scrapeCreatedBody, scrapedPagePageBody } from './scrape-responses';
import { LiveEventHub } from '../events/live-event-hub';
import { streamLiveEvents } from '../events/sse-stream';
import { type ListPagesQuery, listPagesQuerySchema } from './dto/list-pages.query';
import { ScrapesService } from './scrapes.service';
import { AcceptsEventToken } from '../auth/event-token.decorator';
import { ZodValidationPipe } from '../validation/zod-validation.pipe';
import { scrapeLimits, scrapeRequestSchema } from './scrape-request';
import { requestBody } from '../docs/document-registry';

/** The body of this route, documented from the schema that validates it. */
const START_SCRAPE_INPUT = requestBody('StartScrapeInput', (env) => scrapeRequestSchema(scrapeLimits(env)));

@ApiTags('scrapes')
@Controller('scrapes')
export class ScrapesController {
  constructor(
    private readonly scrapes: ScrapesService,
    private readonly hub: LiveEventHub,
    private readonly config: AppConfig,
  ) {}

  @Post()
  @ApiJson(201, scrapeCreatedBody, 'Queued: { id, status: "queued" }')
  @ApiError(400, 'Every problem, by field: maxPages must be a whole number from 1 to 10000')
  // Parsed by the service (scrapeRequestSchema, with the configured limits), then the egress rule.
  @ApiRequestBody(START_SCRAPE_INPUT, SCRAPE_EXAMPLES)
  async create(@Body() body: unknown, @ProjectId() projectId: string): Promise<z.output<typeof scrapeCreatedBody>> {
    const scrape = await this.scrapes.create(body, projectId);
    return { id: scrape.id, status: scrape.status };
  }

  @Get(':id')
  @ApiJson(200, scrapeBody, 'The scrape with its counters (pagesDone, pagesFailed, pagesQueued) and the first errors')
  async get(@Param('id', new ParseUUIDPipe()) id: string): Promise<z.output<typeof scrapeBody>> {
    const scrape = await this.scrapes.get(id);
    return Object.assign(scrape, { errors: scrape.errors ?? [] });
  }

  @Get(':id/pages')
  @ApiJson(
    200,
    scrapedPagePageBody,
    '{ items, nextCursor }: stored pages in the order found; ?fields= chooses what each item carries (by default every field with the formats the scrape asked for)',
  )
  @ApiQueryFrom(listPagesQuerySchema)
  pages(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query(new ZodValidationPipe(listPagesQuerySchema)) query: ListPagesQuery,
  ): Promise<z.output<typeof scrapedPagePageBody>> {
    return this.scrapes.listPages(id, query);
  }

  @Get(':id/events')
  @AcceptsEventToken('scrape')
  @ApiEventStream(
    'Server-Sent Events: `scrape.updated` (the scrape, first its current state, then as pages arrive) until it ends, then `end`',
  )
  async events(
    @Param('id', new ParseUUIDPipe()) id: string,
    @ProjectId() projectId: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    await streamLiveEvents(this.hub, 'scrape', id, projectId, req, reply, this.config.env.EVENTS_HEARTBEAT_MS);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiJson(
    200,
    scrapeCancelBody,
    'A queued scrape is cancelled; a running one is asked to stop (cancelRequested) and ends cancelled, keeping its pages',
  )
  @ApiError(409, 'The scrape already ended')
  cancel(@Param('id', new ParseUUIDPipe()) id: string): Promise<z.output<typeof scrapeCancelBody>> {
    return this.scrapes.cancel(id);
  }
}
