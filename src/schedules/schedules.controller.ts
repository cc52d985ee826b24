import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CursorPageQuery } from '../common/cursor-page.query';
import { CreateScheduleInput } from './dto/create-schedule.input';
import { Schedule } from './schedule.entity';
import { SchedulesService } from './schedules.service';

@ApiTags('schedules')
@Controller('schedules')
export class SchedulesController {
  constructor(private readonly schedules: SchedulesService) {}

  @Post()
  @ApiCreatedResponse({ type: Schedule, description: 'The schedule with nextTickAt' })
  @ApiBadRequestResponse({ description: 'Every problem, by field: cron must have 5 fields…, run.steps[0].url is required for goto' })
  create(@Body() body: CreateScheduleInput) {
    return this.schedules.create(body);
  }

  @Get()
  @ApiOkResponse({ description: '{ items, nextCursor }, newest first' })
  list(@Query() query: CursorPageQuery) {
    return this.schedules.list(query);
  }

  @Get(':id')
  @ApiOkResponse({ type: Schedule, description: 'The schedule, its counters and nextTickAt' })
  @ApiNotFoundResponse()
  get(@Param('id', new ParseUUIDPipe()) id: string) {
    return this.schedules.get(id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted: no more ticks. Runs it queued stay.' })
  @ApiNotFoundResponse()
  async remove(@Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.schedules.remove(id);
  }
}
