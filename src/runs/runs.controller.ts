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
import { ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config.service';
import { ApiError, ApiEventStream, ApiFile, ApiJson } from '../docs/api-responses';
import { ApiQueryFrom, ApiRequestBody } from '../docs/api-requests';
import { RUN_EXAMPLES } from '../docs/request-examples';
import { runCancelBody, runCreatedBody, runDetailBody, runPageBody, runStatsBody } from './run-responses';
import { RunStatsService } from './run-stats';
import { LiveEventHub } from '../events/live-event-hub';
import { streamLiveEvents } from '../events/sse-stream';
import { type ListRunsQuery, listRunsQuerySchema } from './dto/list-runs.query';
import { OverCapacityFilter } from './over-capacity.filter';
import { RunsService } from './runs.service';
import { AcceptsEventToken } from '../auth/event-token.decorator';
import { AcceptsBasicAuth } from '../auth/basic-auth.decorator';
import { ArtifactStore } from '../artifacts/artifact-store';
import { dispositionOf } from './run-files';
import { mayRedirect } from './direct-download';
import { sendStoredFile } from './stored-file';
import { ZodValidationPipe } from '../validation/zod-validation.pipe';
import { definitionLimits, runDefinitionSchema } from './run-definition';
import { requestBody } from '../docs/document-registry';

/** The body of this route, documented from the schema that validates it. */
const TRIGGER_RUN_INPUT = requestBody('TriggerRunInput', (env) => runDefinitionSchema(definitionLimits(env)));

@ApiTags('runs')
@Controller('runs')
@UseFilters(OverCapacityFilter)
export class RunsController {
  constructor(
    private readonly runs: RunsService,
    private readonly hub: LiveEventHub,
    private readonly config: AppConfig,
    private readonly stats: RunStatsService,
    private readonly store: ArtifactStore,
  ) {}

  @Post()
  @ApiJson(201, runCreatedBody, 'Queued: { id, status: "queued" }')
  @ApiError(
    400,
    'Every problem, by field: steps[2].selector is required for click; script.files["a.spec.ts"] line 3, column 7: Unexpected token',
  )
  @ApiError(429, 'QUEUED_CAPACITY runs are waiting; nothing was stored; see Retry-After')
  // The service parses the body (runDefinitionSchema, with the configured limits), as it
  // does GraphQL's input and a schedule's run: one parse, then the egress rule and capacity.
  @ApiRequestBody(TRIGGER_RUN_INPUT, RUN_EXAMPLES)
  async create(@Body() body: unknown, @ProjectId() projectId: string): Promise<z.output<typeof runCreatedBody>> {
    const run = await this.runs.create(body, projectId);
    return { id: run.id, status: run.status };
  }

  @Get()
  @ApiJson(200, runPageBody, '{ items, nextCursor }, newest first; items without steps and artifacts')
  @ApiQueryFrom(listRunsQuerySchema)
  list(
    @Query(new ZodValidationPipe(listRunsQuerySchema)) query: ListRunsQuery,
    @ProjectId() projectId: string,
  ): Promise<z.output<typeof runPageBody>> {
    return this.runs.list(projectId, query);
  }

  @Get('stats')
  @ApiJson(
    200,
    runStatsBody,
    "The project's runs now (running, queued, against capacity), the last day by hour and outcome, and the last failures",
  )
  runStats(@ProjectId() projectId: string): Promise<z.output<typeof runStatsBody>> {
    return this.stats.of(projectId);
  }

  @Get(':id')
  @ApiJson(200, runDetailBody, 'The run with its step results (step runs) or tests (script runs) and artifact links')
  @ApiError(404, 'No such run (a run of another project is not found either)')
  async get(
    @Param('id', new ParseUUIDPipe()) id: string,
    @ProjectId() projectId: string,
  ): Promise<z.output<typeof runDetailBody>> {
    const run = await this.runs.get(id, projectId);
    return Object.assign(run, { steps: run.steps ?? [], tests: run.tests ?? [], artifacts: run.artifacts ?? [] });
  }

  @Get(':id/spec')
  @ApiProduces('text/plain')
  @ApiResponse({
    status: 200,
    description:
      'A step run as a Playwright Test file (`<name>.spec.ts`) that does what its steps do; post it back as a script run',
    content: {
      'text/plain': {
        schema: {
          type: 'string',
          example:
            'import { test, expect } from \'@playwright/test\';\n\ntest.use({ baseURL: "http://127.0.0.1:4000" });\n\ntest("home page", async ({ page }, testInfo) => {\n  test.setTimeout(60000);\n  await test.step("0 goto /", async () => {\n    await page.goto("/", { timeout: 10000, waitUntil: \'load\' });\n  });\n});\n',
        },
      },
    },
  })
  @ApiError(404, 'No such run')
  @ApiError(409, 'A script run: its code is its definition (definition.script.files)')
  async spec(@Param('id', new ParseUUIDPipe()) id: string, @ProjectId() projectId: string, @Res() reply: FastifyReply) {
    const { fileName, text } = await this.runs.spec(id, projectId);
    return reply
      .type('text/plain; charset=utf-8')
      .header('Content-Disposition', `inline; filename="${fileName}"`)
      .send(text);
  }

  @Get(':id/events')
  @AcceptsEventToken('run')
  @ApiEventStream(
    'Server-Sent Events: `run.updated` (the run, first its current state) `run.step` (a step that ended) and `run.test` (a test attempt of a script run that ended) until the run ends, then `end`; a comment line every EVENTS_HEARTBEAT_MS',
  )
  async events(
    @Param('id', new ParseUUIDPipe()) id: string,
    @ProjectId() projectId: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    await streamLiveEvents(this.hub, 'run', id, projectId, req, reply, this.config.env.EVENTS_HEARTBEAT_MS);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiJson(
    200,
    runCancelBody,
    'A queued run is cancelled; a running one is asked to stop (cancelRequested) and ends cancelled',
  )
  @ApiError(404, 'No such run')
  @ApiError(409, 'The run already ended')
  cancel(
    @Param('id', new ParseUUIDPipe()) id: string,
    @ProjectId() projectId: string,
  ): Promise<z.output<typeof runCancelBody>> {
    return this.runs.cancel(id, projectId);
  }

  @Post(':id/rerun')
  @ApiJson(201, runCreatedBody, 'A new run queued with the same definition (alone: not part of a suite or a schedule)')
  @ApiError(404, 'No such run')
  @ApiError(400, "The definition no longer passes today's checks (a secret it names was deleted, a host now refused)")
  @ApiError(429, 'QUEUED_CAPACITY runs are waiting; nothing was stored; see Retry-After')
  async rerun(
    @Param('id', new ParseUUIDPipe()) id: string,
    @ProjectId() projectId: string,
  ): Promise<z.output<typeof runCreatedBody>> {
    const run = await this.runs.rerun(id, projectId);
    return { id: run.id, status: run.status };
  }

  @Get(':id/artifacts/:name')
  @AcceptsBasicAuth()
  @ApiFile(
    "The file: a PNG screenshot, trace.zip (open with `playwright show-trace`), video.webm (byte ranges served), or a script run's junit.xml (a download)",
    ['image/png', 'application/zip', 'video/webm', 'application/xml'],
  )
  @ApiResponse({
    status: 302,
    description:
      'With ARTIFACTS_S3_REDIRECT_SECONDS set: `Location` is a presigned URL of the bucket, valid that many seconds (for API clients and browser downloads; pages and the trace viewer are streamed)',
  })
  @ApiError(404, 'No such run, or it kept no file of that name (a trace only on failure, by default)')
  @ApiError(410, 'Its artifacts were removed, ARTIFACT_RETENTION_DAYS after it ended (artifactsExpiredAt)')
  async artifact(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('name') name: string,
    @ProjectId() projectId: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const file = await this.runs.artifact(id, name, projectId);
    const headers = {
      'Content-Type': file.contentType,
      'Content-Disposition': dispositionOf(name),
      'X-Content-Type-Options': 'nosniff',
    };
    const direct = mayRedirect(req)
      ? await this.store.directUrl(file.key, {
          contentType: file.contentType,
          contentDisposition: headers['Content-Disposition'],
        })
      : undefined;
    // The URL is a credential for that long: no cache keeps it.
    if (direct) return reply.code(302).header('Cache-Control', 'no-store').header('Location', direct).send();
    return sendStoredFile(reply, this.store, file.key, headers, req.headers.range, `Run ${id} has no artifact ${name}`);
  }
}
