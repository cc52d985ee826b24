import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow } from 'class-validator';

/** The schedule body. parseScheduleRequest and the runs' parser check it; these only describe it. */
export class CreateScheduleInput {
  @ApiProperty({ example: 'checkout smoke test' }) @Allow() name: string;
  @ApiProperty({ example: '30 7 * * 1-5', description: 'cron: 5 fields (minute first) or 6 (seconds first)' })
  @Allow()
  cron: string;
  @ApiPropertyOptional({ example: 'Europe/Paris', description: 'IANA time zone the pattern is read in (default UTC)' })
  @Allow()
  timezone?: string;
  @ApiPropertyOptional({
    description: 'A run definition, the same as the body of POST /api/runs (give run or suite)',
    type: 'object',
    additionalProperties: true,
  })
  @Allow()
  run?: Record<string, unknown>;

  @ApiPropertyOptional({
    description: 'A suite, the same as the body of POST /api/suites (give run or suite)',
    type: 'object',
    additionalProperties: true,
  })
  @Allow()
  suite?: Record<string, unknown>;
}
