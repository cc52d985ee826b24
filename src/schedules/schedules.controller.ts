import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { CurrentPrincipal, ProjectId } from '../auth/principal.decorator';
import { RequiresScope } from '../auth/scope.decorator';
import type { Principal } from '../projects/principal';
import { cursorPageQuerySchema } from '../http/cursor-page.query';
import { ApiQueryFrom, ApiRequestBody } from '../docs/api-requests';
import { ApiError, ApiJson } from '../docs/api-responses';
import { SCHEDULE_EXAMPLES, SCHEDULE_MUTE_EXAMPLES } from '../docs/request-examples';
import { scheduleBody, schedulePageBody } from './schedule-responses';
import { ZodValidationPipe } from '../validation/zod-validation.pipe';
import { SchedulesService } from './schedules.service';
import { scheduleRequestSchema, scheduleRules } from './schedule-request';
import { requestBody } from '../docs/document-registry';
import { type MuteScheduleRequest, muteScheduleRequestSchema } from './schedule-mute';

/** The body of this route, documented from the schema that validates it. */
const CREATE_SCHEDULE_INPUT = requestBody('CreateScheduleInput', (env) => scheduleRequestSchema(scheduleRules(env)));
const MUTE_SCHEDULE_INPUT = requestBody('MuteScheduleInput', () => muteScheduleRequestSchema);

@ApiTags('schedules')
@Controller('schedules')
export class SchedulesController {
  constructor(private readonly schedules: SchedulesService) {}

  @Post()
  @RequiresScope('admin')
  @ApiJson(201, scheduleBody, 'The schedule with nextTickAt')
  @ApiError(400, 'Every problem, by field: cron must have 5 fields…, run.steps[0].url is required for goto')
  // Parsed by the service (scheduleRequestSchema), then the run or suite by its own rules.
  @ApiRequestBody(CREATE_SCHEDULE_INPUT, SCHEDULE_EXAMPLES)
  create(@Body() body: unknown, @CurrentPrincipal() actor: Principal): Promise<z.output<typeof scheduleBody>> {
    return this.schedules.create(body, actor);
  }

  @Get()
  @ApiJson(200, schedulePageBody, '{ items, nextCursor }, newest first')
  @ApiQueryFrom(cursorPageQuerySchema)
  list(
    @Query(new ZodValidationPipe(cursorPageQuerySchema)) query: z.output<typeof cursorPageQuerySchema>,
    @ProjectId() projectId: string,
  ): Promise<z.output<typeof schedulePageBody>> {
    return this.schedules.list(projectId, query);
  }

  @Get(':id')
  @ApiJson(200, scheduleBody, 'The schedule, its counters and nextTickAt')
  @ApiError(404, 'No such schedule (one of another project is not found either)')
  get(
    @Param('id', new ParseUUIDPipe()) id: string,
    @ProjectId() projectId: string,
  ): Promise<z.output<typeof scheduleBody>> {
    return this.schedules.get(id, projectId);
  }

  @Post(':id/pause')
  @RequiresScope('admin')
  @HttpCode(200)
  @ApiJson(
    200,
    scheduleBody,
    'The schedule with pausedAt and nextTickAt null: no tick fires until it is resumed (a paused one is answered unchanged)',
  )
  @ApiError(404, 'No such schedule (one of another project is not found either)')
  pause(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentPrincipal() actor: Principal,
  ): Promise<z.output<typeof scheduleBody>> {
    return this.schedules.pause(id, actor);
  }

  @Post(':id/resume')
  @RequiresScope('admin')
  @HttpCode(200)
  @ApiJson(
    200,
    scheduleBody,
    'The schedule with pausedAt null and nextTickAt: it ticks again from now (one not paused is answered unchanged)',
  )
  @ApiError(404, 'No such schedule (one of another project is not found either)')
  resume(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentPrincipal() actor: Principal,
  ): Promise<z.output<typeof scheduleBody>> {
    return this.schedules.resume(id, actor);
  }

  @Post(':id/mute')
  @RequiresScope('admin')
  @HttpCode(200)
  @ApiJson(
    200,
    scheduleBody,
    'The schedule with mutedUntil: until then its incidents are recorded, and their notifications kept as muted instead of sent',
  )
  @ApiError(400, 'minutes must be a whole number from 1 to 43200 (30 days)')
  @ApiError(404, 'No such schedule (one of another project is not found either)')
  @ApiRequestBody(MUTE_SCHEDULE_INPUT, SCHEDULE_MUTE_EXAMPLES)
  mute(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body(new ZodValidationPipe(muteScheduleRequestSchema)) input: MuteScheduleRequest,
    @CurrentPrincipal() actor: Principal,
  ): Promise<z.output<typeof scheduleBody>> {
    return this.schedules.mute(id, input.minutes, actor);
  }

  @Delete(':id/mute')
  @RequiresScope('admin')
  @ApiJson(
    200,
    scheduleBody,
    'The schedule with mutedUntil null: its alerts are sent again (one not muted is answered unchanged)',
  )
  @ApiError(404, 'No such schedule (one of another project is not found either)')
  unmute(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentPrincipal() actor: Principal,
  ): Promise<z.output<typeof scheduleBody>> {
    return this.schedules.unmute(id, actor);
  }

  @Delete(':id')
  @RequiresScope('admin')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted: no more ticks. Runs it queued stay.' })
  @ApiError(404, 'No such schedule')
  async remove(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() actor: Principal): Promise<void> {
    await this.schedules.remove(id, actor);
  }
}
