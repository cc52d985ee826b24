import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config.service';
import { LiveEventHub } from '../events/live-event-hub';
import { streamLiveEvents } from '../events/sse-stream';
import { OverCapacityFilter } from '../runs/over-capacity.filter';
import { ListSuitesQuery } from './dto/list-suites.query';
import { TriggerSuiteInput } from './dto/trigger-suite.input';
import { SuitesService } from './suites.service';
import { AcceptsEventToken } from '../auth/event-token.decorator';

@ApiTags('suites')
@Controller('suites')
@UseFilters(OverCapacityFilter)
export class SuitesController {
  constructor(
    private readonly suites: SuitesService,
    private readonly hub: LiveEventHub,
    private readonly config: AppConfig,
  ) {}

  @Post()
  @ApiCreatedResponse({ description: '{ id, status: "queued", total, runs: [{ id, name }] }: each test is a run, in order' })
  @ApiBadRequestResponse({ description: 'Every problem, by field: tests[3].steps[0].selector is required for click' })
  @ApiTooManyRequestsResponse({ description: 'Not all of its runs fit under QUEUED_CAPACITY now; see Retry-After' })
  // Loosely typed like POST /api/runs: the suite's parser names every problem, unknown fields included.
  @ApiBody({ type: TriggerSuiteInput })
  async create(@Body() body: Record<string, unknown>) {
    const suite = await this.suites.create(body);
    return { id: suite.id, status: suite.status, total: suite.total, runs: (suite.runs ?? []).map((run) => ({ id: run.id, name: run.name })) };
  }

  @Get()
  @ApiOkResponse({ description: '{ items, nextCursor }, newest first, without their runs' })
  list(@Query() query: ListSuitesQuery) {
    return this.suites.list(query);
  }

  @Get(':id')
  @ApiOkResponse({ description: 'The suite with its counts (passed, failed, errored, cancelled of total) and `runs: [...]` in order' })
  @ApiNotFoundResponse()
  get(@Param('id', new ParseUUIDPipe()) id: string) {
    return this.suites.get(id);
  }

  @Get(':id/events')
  @AcceptsEventToken('suite')
  @ApiOkResponse({
    description: 'Server-Sent Events: `suite.updated` (the suite with its runs, first its current state, then as its runs start and end) until it ends, then `end`',
    content: { 'text/event-stream': {} },
  })
  @ApiNotFoundResponse()
  async events(@Param('id', new ParseUUIDPipe()) id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    await streamLiveEvents(this.hub, 'suite', id, req, reply, this.config.env.EVENTS_HEARTBEAT_MS);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOkResponse({ description: 'Queued runs are cancelled, running ones asked to stop (cancelRequested); the suite ends cancelled' })
  @ApiConflictResponse({ description: 'The suite already ended' })
  @ApiNotFoundResponse()
  cancel(@Param('id', new ParseUUIDPipe()) id: string) {
    return this.suites.cancel(id);
  }
}
