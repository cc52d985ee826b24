import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config.service';
import { LiveEventHub } from '../events/live-event-hub';
import { streamLiveEvents } from '../events/sse-stream';
import { ListRunsQuery } from './dto/list-runs.query';
import { TriggerRunInput } from './dto/trigger-run.input';
import { OverCapacityFilter } from './over-capacity.filter';
import { RunsService } from './runs.service';
import { AcceptsEventToken } from '../auth/event-token.decorator';

@ApiTags('runs')
@Controller('runs')
@UseFilters(OverCapacityFilter)
export class RunsController {
  constructor(
    private readonly runs: RunsService,
    private readonly hub: LiveEventHub,
    private readonly config: AppConfig,
  ) {}

  @Post()
  @ApiCreatedResponse({ description: '{ id, status: "queued" }' })
  @ApiBadRequestResponse({ description: 'Every problem, by field: steps[2].selector is required for click' })
  @ApiTooManyRequestsResponse({ description: 'QUEUED_CAPACITY runs are waiting; see Retry-After' })
  // The body is typed loosely on purpose: parseRunDefinition checks every field (unknown
  // ones included) and names what is wrong, so the global ValidationPipe has nothing to
  // add on this, the hottest route, and skips it (it ignores plain objects).
  @ApiBody({ type: TriggerRunInput })
  async create(@Body() body: Record<string, unknown>) {
    const run = await this.runs.create(body);
    return { id: run.id, status: run.status };
  }

  @Get()
  @ApiOkResponse({ description: '{ items, nextCursor }, newest first' })
  list(@Query() query: ListRunsQuery) {
    return this.runs.list(query);
  }

  @Get(':id')
  @ApiOkResponse({ description: 'The run with its step results and artifact links' })
  @ApiNotFoundResponse()
  get(@Param('id', new ParseUUIDPipe()) id: string) {
    return this.runs.get(id);
  }

  @Get(':id/events')
  @AcceptsEventToken('run')
  @ApiOkResponse({
    description:
      'Server-Sent Events: `run.updated` (the run, first its current state) and `run.step` (a step that ended) until the run ends, then `end`; a comment line every EVENTS_HEARTBEAT_MS',
    content: { 'text/event-stream': {} },
  })
  @ApiNotFoundResponse()
  async events(@Param('id', new ParseUUIDPipe()) id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    await streamLiveEvents(this.hub, 'run', id, req, reply, this.config.env.EVENTS_HEARTBEAT_MS);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOkResponse({ description: 'A queued run is cancelled; a running one is asked to stop (cancelRequested) and ends cancelled' })
  @ApiConflictResponse({ description: 'The run already ended' })
  cancel(@Param('id', new ParseUUIDPipe()) id: string) {
    return this.runs.cancel(id);
  }

  @Get(':id/artifacts/:name')
  @ApiOkResponse({ description: 'The file: a PNG screenshot, trace.zip (open with `playwright show-trace`) or video.webm' })
  @ApiNotFoundResponse()
  async artifact(@Param('id', new ParseUUIDPipe()) id: string, @Param('name') name: string, @Res() reply: FastifyReply) {
    const file = await this.runs.artifact(id, name);
    return reply.type(file.contentType).header('Content-Length', file.size).header('Content-Disposition', `inline; filename="${name}"`).send(file.stream);
  }
}
