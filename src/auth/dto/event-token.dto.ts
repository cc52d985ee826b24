import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The body of POST /api/events/tokens: exactly one of the three ids. */
export class EventTokenInput {
  @ApiPropertyOptional({ format: 'uuid', description: 'a token for GET /api/runs/{runId}/events' })
  runId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'a token for GET /api/scrapes/{scrapeId}/events' })
  scrapeId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'a token for GET /api/suites/{suiteId}/events' })
  suiteId?: string;
}

export class EventTokenOutput {
  @ApiProperty({ description: 'Pass as ?token= to that one SSE route; it opens nothing else' })
  token!: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    description: 'After this the token opens nothing (a stream already open stays open)',
  })
  expiresAt!: string;
}
