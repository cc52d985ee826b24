import { ApiProperty } from '@nestjs/swagger';

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
