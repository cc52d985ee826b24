import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config.service';
import { LiveEventHub } from '../events/live-event-hub';
import { streamLiveEvents } from '../events/sse-stream';
import { ListPagesQuery } from './dto/list-pages.query';
import { StartScrapeInput } from './dto/start-scrape.input';
import { ScrapesService } from './scrapes.service';

@ApiTags('scrapes')
@Controller('scrapes')
export class ScrapesController {
  constructor(
    private readonly scrapes: ScrapesService,
    private readonly hub: LiveEventHub,
    private readonly config: AppConfig,
  ) {}

  @Post()
  @ApiCreatedResponse({ description: '{ id, status: "queued" }' })
  @ApiBadRequestResponse({ description: 'Every problem, by field: maxPages must be a whole number from 1 to 10000' })
  async create(@Body() body: StartScrapeInput) {
    const scrape = await this.scrapes.create(body);
    return { id: scrape.id, status: scrape.status };
  }

  @Get(':id')
  @ApiOkResponse({ description: 'The scrape with its counters (pagesDone, pagesFailed, pagesQueued) and the first errors' })
  @ApiNotFoundResponse()
  get(@Param('id', new ParseUUIDPipe()) id: string) {
    return this.scrapes.get(id);
  }

  @Get(':id/pages')
  @ApiOkResponse({ description: '{ items, nextCursor }: stored pages in the order found; ?fields= chooses what each item carries (by default every field with the formats the scrape asked for)' })
  @ApiNotFoundResponse()
  pages(@Param('id', new ParseUUIDPipe()) id: string, @Query() query: ListPagesQuery) {
    return this.scrapes.listPages(id, query);
  }

  @Get(':id/events')
  @ApiOkResponse({
    description: 'Server-Sent Events: `scrape.updated` (the scrape, first its current state, then as pages arrive) until it ends, then `end`',
    content: { 'text/event-stream': {} },
  })
  @ApiNotFoundResponse()
  async events(@Param('id', new ParseUUIDPipe()) id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    await streamLiveEvents(this.hub, 'scrape', id, req, reply, this.config.env.EVENTS_HEARTBEAT_MS);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOkResponse({ description: 'A queued scrape is cancelled; a running one is asked to stop (cancelRequested) and ends cancelled, keeping its pages' })
  @ApiConflictResponse({ description: 'The scrape already ended' })
  cancel(@Param('id', new ParseUUIDPipe()) id: string) {
    return this.scrapes.cancel(id);
  }
}
