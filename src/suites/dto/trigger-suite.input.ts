import { Field, InputType, Int } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow } from 'class-validator';
import { TriggerRunInput } from '../../runs/dto/trigger-run.input';

/**
 * The suite body. parseSuiteRequest checks the suite's fields and the runs' parser each
 * test (one set of messages for REST and GraphQL); the decorators only describe it.
 */
@InputType('TriggerSuiteInput', { description: 'A suite to queue, as the body of POST /api/suites' })
export class TriggerSuiteInput {
  @ApiProperty({ example: 'checkout smoke tests' }) @Field({ description: 'Its name' }) @Allow() name: string;

  @ApiProperty({
    type: [TriggerRunInput],
    description:
      'Each test is a run definition (the body of POST /api/runs), or { "fromRun": "<run id>" } for the definition of an earlier run (REST only); each becomes a run of the suite',
  })
  @Field(() => [TriggerRunInput], { description: 'Each test a run definition; each becomes a run of the suite' })
  @Allow()
  tests: TriggerRunInput[];

  @ApiPropertyOptional({ example: ['qa@example.com'], description: 'Who gets the suite-finished email' })
  @Field(() => [String], { nullable: true, description: 'Who gets the suite-finished email' })
  @Allow()
  notify?: string[];

  @ApiPropertyOptional({
    example: 'https://hooks.example.com/stevedore',
    description: 'Gets the same report as JSON (POST, retried with backoff)',
  })
  @Field({ nullable: true, description: 'Gets the same report as JSON (POST, retried with backoff)' })
  @Allow()
  webhookUrl?: string;

  @ApiPropertyOptional({ example: 5, description: "1 (most urgent) to 10: every test's, unless a test gives its own" })
  @Field(() => Int, { nullable: true, description: "1 (most urgent) to 10: every test's, unless a test gives its own" })
  @Allow()
  priority?: number;

  @ApiPropertyOptional({
    example: 2,
    description: 'At most this many of its runs at once (default: as many as the workers take)',
  })
  @Field(() => Int, {
    nullable: true,
    description: 'At most this many of its runs at once (default: as many as the workers take)',
  })
  @Allow()
  concurrency?: number;
}
