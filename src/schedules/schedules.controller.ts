import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { cursorPageQuerySchema } from '../http/cursor-page.query';
import { ApiQueryFrom, ApiRequestBody } from '../docs/api-requests';
import { ApiError, ApiJson } from '../docs/api-responses';
import { SCHEDULE_EXAMPLES } from '../docs/request-examples';
import { scheduleBody, schedulePageBody } from './schedule-responses';
import { ZodValidationPipe } from '../validation/zod-validation.pipe';
import { SchedulesService } from './schedules.service';
import { scheduleRequestSchema, scheduleRules } from './schedule-request';
import { requestBody } from '../docs/document-registry';

/** The body of this route, documented from the schema that validates it. */
const CREATE_SCHEDULE_INPUT = requestBody('CreateScheduleInput', (env) => scheduleRequestSchema(scheduleRules(env)));

@ApiTags('schedules')
@Controller('schedules')
export class SchedulesController {
  constructor(private readonly schedules: SchedulesService) {}

  @Post()
  @ApiJson(201, scheduleBody, 'The schedule with nextTickAt')
  @ApiError(400, 'Every problem, by field: cron must have 5 fields…, run.steps[0].url is required for goto')
  // Parsed by the service (scheduleRequestSchema), then the run or suite by its own rules.
  @ApiRequestBody(CREATE_SCHEDULE_INPUT, SCHEDULE_EXAMPLES)
  create(@Body() body: unknown): Promise<z.output<typeof scheduleBody>> {
    return this.schedules.create(body);
  }

  @Get()
  @ApiJson(200, schedulePageBody, '{ items, nextCursor }, newest first')
  @ApiQueryFrom(cursorPageQuerySchema)
  list(
    @Query(new ZodValidationPipe(cursorPageQuerySchema)) query: z.output<typeof cursorPageQuerySchema>,
  ): Promise<z.output<typeof schedulePageBody>> {
    return this.schedules.list(query);
  }

  @Get(':id')
  @ApiJson(200, scheduleBody, 'The schedule, its counters and nextTickAt')
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<z.output<typeof scheduleBody>> {
    return this.schedules.get(id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted: no more ticks. Runs it queued stay.' })
  async remove(@Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.schedules.remove(id);
  }
}
