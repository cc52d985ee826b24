import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import type { z } from 'zod';
import { CursorPageQuery } from '../http/cursor-page.query';
import { ApiError, ApiJson } from '../docs/api-responses';
import type { deadLetterBody, deadLetterPageBody } from '../docs/response-bodies';
import { QUEUE_NAMES } from '../job-catalogue';
import { DeadLettersService } from './dead-letters.service';

export class ListDeadLettersQuery extends CursorPageQuery {
  @ApiPropertyOptional({ enum: QUEUE_NAMES })
  @IsOptional()
  @IsIn(QUEUE_NAMES, { message: `queue must be one of ${QUEUE_NAMES.join(', ')}` })
  queue?: string;

  @ApiPropertyOptional({ description: 'true: only those not replayed yet' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'open must be true or false' })
  open?: boolean;
}

@ApiTags('dead-letters')
@Controller('dead-letters')
export class DeadLettersController {
  constructor(private readonly letters: DeadLettersService) {}

  @Get()
  @ApiJson(200, 'DeadLetterPage', '{ items, nextCursor }: jobs that failed for good, newest first')
  list(@Query() query: ListDeadLettersQuery): Promise<z.output<typeof deadLetterPageBody>> {
    return this.letters.list(query);
  }

  @Post(':id/replay')
  @HttpCode(200)
  @ApiJson(
    200,
    'DeadLetter',
    'The dead letter, now with replayedAt: its row is queued again and its job back on its queue',
  )
  @ApiError(409, 'Already replayed, or its run/scrape/email is no longer in a failed state')
  replay(@Param('id', new ParseUUIDPipe()) id: string): Promise<z.output<typeof deadLetterBody>> {
    return this.letters.replay(id);
  }
}
