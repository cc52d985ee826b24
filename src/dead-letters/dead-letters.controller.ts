import { ProjectId } from '../auth/principal.decorator';
import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { cursorPageFields, queryObject } from '../http/cursor-page.query';
import { ApiError, ApiJson } from '../docs/api-responses';
import { ApiQueryFrom } from '../docs/api-requests';
import { deadLetterBody, deadLetterPageBody } from './dead-letter-responses';
import { QUEUE_NAMES } from '../job-catalogue';
import { ZodValidationPipe } from '../validation/zod-validation.pipe';
import { DeadLettersService } from './dead-letters.service';

/** The query of GET /api/dead-letters. */
const listDeadLettersQuerySchema = queryObject({
  ...cursorPageFields,
  queue: z
    .enum(QUEUE_NAMES as [string, ...string[]], { error: `must be one of ${QUEUE_NAMES.join(', ')}` })
    .optional()
    .meta({ description: "only this queue's" }),
  open: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .optional()
    .transform((open) => (open === undefined ? undefined : open === 'true'))
    .meta({ description: 'true: only those not replayed yet' }),
});

@ApiTags('dead-letters')
@Controller('dead-letters')
export class DeadLettersController {
  constructor(private readonly letters: DeadLettersService) {}

  @Get()
  @ApiJson(200, deadLetterPageBody, "{ items, nextCursor }: the project's jobs that failed for good, newest first")
  @ApiQueryFrom(listDeadLettersQuerySchema)
  list(
    @Query(new ZodValidationPipe(listDeadLettersQuerySchema)) query: z.output<typeof listDeadLettersQuerySchema>,
    @ProjectId() projectId: string,
  ): Promise<z.output<typeof deadLetterPageBody>> {
    return this.letters.list(projectId, query);
  }

  @Post(':id/replay')
  @HttpCode(200)
  @ApiJson(
    200,
    deadLetterBody,
    'The dead letter, now with replayedAt: its row is queued again and its job back on its queue',
  )
  @ApiError(409, 'Already replayed, or its run/scrape/email is no longer in a failed state')
  replay(
    @Param('id', new ParseUUIDPipe()) id: string,
    @ProjectId() projectId: string,
  ): Promise<z.output<typeof deadLetterBody>> {
    return this.letters.replay(id, projectId);
  }
}
