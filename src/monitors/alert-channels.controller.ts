import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { CurrentPrincipal, ProjectId } from '../auth/principal.decorator';
import { RequiresScope } from '../auth/scope.decorator';
import { ApiQueryFrom, ApiRequestBody } from '../docs/api-requests';
import { ApiError, ApiJson } from '../docs/api-responses';
import { requestBody } from '../docs/document-registry';
import { ALERT_CHANNEL_EXAMPLES } from '../docs/request-examples';
import { cursorPageQuerySchema } from '../http/cursor-page.query';
import type { Principal } from '../projects/principal';
import { ZodValidationPipe } from '../validation/zod-validation.pipe';
import { type CreateAlertChannelRequest, createAlertChannelRequestSchema } from './alert-channel-request';
import { AlertChannelTester } from './alert-channel-tester';
import { AlertChannelsService } from './alert-channels.service';
import { alertChannelBody, alertChannelPageBody, alertChannelTestBody } from './monitor-responses';

/** The body of POST /api/alert-channels, documented from the schema that validates it. */
const CREATE_ALERT_CHANNEL_INPUT = requestBody('CreateAlertChannelInput', () => createAlertChannelRequestSchema);

const NOT_FOUND = 'No such alert channel (one of another project is not found either)';

/** A project's alert channels: made, tested and deleted by its admin keys; read by any of its keys. */
@ApiTags('monitors')
@Controller('alert-channels')
export class AlertChannelsController {
  constructor(
    private readonly channels: AlertChannelsService,
    private readonly tester: AlertChannelTester,
  ) {}

  @Post()
  @RequiresScope('admin')
  @ApiJson(201, alertChannelBody, 'Stored: schedules of the project may name it in alerts.channels')
  @ApiError(
    400,
    'Every problem, by field: type must be one of email, webhook, slack, pagerduty; url is required for a slack channel; url is not allowed: 10.0.0.5 is not a public address…',
  )
  @ApiError(409, 'The project already has an alert channel of this name (any case)')
  @ApiRequestBody(CREATE_ALERT_CHANNEL_INPUT, ALERT_CHANNEL_EXAMPLES)
  create(
    @Body(new ZodValidationPipe(createAlertChannelRequestSchema)) input: CreateAlertChannelRequest,
    @CurrentPrincipal() actor: Principal,
  ): Promise<z.output<typeof alertChannelBody>> {
    return this.channels.create(input, actor);
  }

  @Get()
  @ApiJson(200, alertChannelPageBody, '{ items, nextCursor }, newest first')
  @ApiQueryFrom(cursorPageQuerySchema)
  list(
    @Query(new ZodValidationPipe(cursorPageQuerySchema)) query: z.output<typeof cursorPageQuerySchema>,
    @ProjectId() projectId: string,
  ): Promise<z.output<typeof alertChannelPageBody>> {
    return this.channels.list(projectId, query);
  }

  @Get(':id')
  @ApiJson(200, alertChannelBody, 'The alert channel')
  @ApiError(404, NOT_FOUND)
  get(
    @Param('id', new ParseUUIDPipe()) id: string,
    @ProjectId() projectId: string,
  ): Promise<z.output<typeof alertChannelBody>> {
    return this.channels.get(id, projectId);
  }

  @Post(':id/test')
  @RequiresScope('admin')
  @HttpCode(200)
  @ApiJson(
    200,
    alertChannelTestBody,
    'A test sent now: HTTP channels { delivered, statusCode?, error? } (a refusal or a non-2xx answer is delivered: false, not an error of this route); email { delivered: true, emailId } once queued',
  )
  @ApiError(404, NOT_FOUND)
  async test(
    @Param('id', new ParseUUIDPipe()) id: string,
    @ProjectId() projectId: string,
  ): Promise<z.output<typeof alertChannelTestBody>> {
    return this.tester.test(await this.channels.find(id, projectId));
  }

  @Delete(':id')
  @RequiresScope('admin')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiError(404, NOT_FOUND)
  @ApiError(409, "A schedule's alerts still name it: the message names them")
  async remove(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() actor: Principal): Promise<void> {
    await this.channels.remove(id, actor);
  }
}
