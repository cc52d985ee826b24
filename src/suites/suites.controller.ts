import { ProjectId } from '../auth/principal.decorator';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Res,
  UseFilters,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config.service';
import { ApiError, ApiEventStream, ApiJson } from '../docs/api-responses';
import { ApiQueryFrom, ApiRequestBody } from '../docs/api-requests';
import { SUITE_EXAMPLES, SUITE_RERUN_EXAMPLES } from '../docs/request-examples';
import { suiteCreatedBody, suiteDetailBody, suitePageBody } from './suite-responses';
import { LiveEventHub } from '../events/live-event-hub';
import { streamLiveEvents } from '../events/sse-stream';
import { OverCapacityFilter } from '../runs/over-capacity.filter';
import { type ListSuitesQuery, listSuitesQuerySchema } from './dto/list-suites.query';
import { SuitesService } from './suites.service';
import { AcceptsEventToken } from '../auth/event-token.decorator';
import { ZodValidationPipe } from '../validation/zod-validation.pipe';
import { maxTestsOf, suiteRequestSchema } from './suite-request';
import { suiteRerunRequestSchema } from './suite-rerun';
import { parseRequest } from '../validation/parse-request';
import type { Suite } from './suite.entity';
import { requestBody } from '../docs/document-registry';

/** The body of this route, documented from the schema that validates it. */
const TRIGGER_SUITE_INPUT = requestBody('TriggerSuiteInput', (env) => suiteRequestSchema(maxTestsOf(env)));
const RERUN_SUITE_INPUT = requestBody('RerunSuiteInput', () => suiteRerunRequestSchema);

/** A new suite as POST answers it: its id, state, size and runs' ids in order. */
const createdBody = (suite: Suite): z.output<typeof suiteCreatedBody> => ({
  id: suite.id,
  status: suite.status,
  total: suite.total,
  runs: (suite.runs ?? []).map((run) => ({ id: run.id, name: run.name })),
});

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
  @ApiJson(201, suiteCreatedBody, '{ id, status: "queued", total, runs: [{ id, name }] }: each test is a run, in order')
  @ApiError(400, 'Every problem, by field: tests[3].steps[0].selector is required for click')
  @ApiError(429, 'Not all of its runs fit under QUEUED_CAPACITY now; nothing was stored; see Retry-After')
  // Parsed by the service like POST /api/runs: the suite's schema, then each test by the runs' own.
  @ApiRequestBody(TRIGGER_SUITE_INPUT, SUITE_EXAMPLES)
  async create(@Body() body: unknown, @ProjectId() projectId: string): Promise<z.output<typeof suiteCreatedBody>> {
    return createdBody(await this.suites.create(body, projectId));
  }

  @Get()
  @ApiJson(200, suitePageBody, '{ items, nextCursor }, newest first, without their runs')
  @ApiQueryFrom(listSuitesQuerySchema)
  list(
    @Query(new ZodValidationPipe(listSuitesQuerySchema)) query: ListSuitesQuery,
    @ProjectId() projectId: string,
  ): Promise<z.output<typeof suitePageBody>> {
    return this.suites.list(projectId, query);
  }

  @Get(':id')
  @ApiJson(
    200,
    suiteDetailBody,
    'The suite with its counts (passed, failed, errored, cancelled of total) and `runs: [...]` in order',
  )
  @ApiError(404, 'No such suite (a suite of another project is not found either)')
  async get(
    @Param('id', new ParseUUIDPipe()) id: string,
    @ProjectId() projectId: string,
  ): Promise<z.output<typeof suiteDetailBody>> {
    const suite = await this.suites.get(id, projectId);
    return Object.assign(suite, { runs: suite.runs ?? [] });
  }

  @Get(':id/events')
  @AcceptsEventToken('suite')
  @ApiEventStream(
    'Server-Sent Events: `suite.updated` (the suite with its runs, first its current state, then as its runs start and end) until it ends, then `end`',
  )
  async events(
    @Param('id', new ParseUUIDPipe()) id: string,
    @ProjectId() projectId: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    await streamLiveEvents(this.hub, 'suite', id, projectId, req, reply, this.config.env.EVENTS_HEARTBEAT_MS);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiJson(
    200,
    suiteDetailBody,
    'The suite: queued runs are cancelled, running ones asked to stop (cancelRequested); the suite ends cancelled',
  )
  @ApiError(404, 'No such suite')
  @ApiError(409, 'The suite already ended')
  async cancel(
    @Param('id', new ParseUUIDPipe()) id: string,
    @ProjectId() projectId: string,
  ): Promise<z.output<typeof suiteDetailBody>> {
    const suite = await this.suites.cancel(id, projectId);
    return Object.assign(suite, { runs: suite.runs ?? [] });
  }

  @Post(':id/rerun')
  @ApiJson(
    201,
    suiteCreatedBody,
    'A new suite, "<name> (rerun)" with the same settings, whose tests are the ended suite\'s failed ones (or all): { id, status: "queued", total, runs }',
  )
  @ApiError(400, 'A bad body, by field: only must be "failed" or "all"')
  @ApiError(404, 'No such suite (a suite of another project is not found either)')
  @ApiError(409, 'The suite has not ended yet, or none of its tests failed (with only "failed")')
  @ApiError(429, 'Not all of its runs fit under QUEUED_CAPACITY now; nothing was stored; see Retry-After')
  // No body is the default, { "only": "failed" }.
  @ApiRequestBody(RERUN_SUITE_INPUT, SUITE_RERUN_EXAMPLES, { required: false })
  async rerun(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: unknown,
    @ProjectId() projectId: string,
  ): Promise<z.output<typeof suiteCreatedBody>> {
    const { only } = parseRequest(suiteRerunRequestSchema, body ?? {});
    return createdBody(await this.suites.rerun(id, only, projectId));
  }
}
