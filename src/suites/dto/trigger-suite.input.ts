import { Field, InputType, Int } from '@nestjs/graphql';
import { TriggerRunInput } from '../../runs/dto/trigger-run.input';

/**
 * GraphQL's shape of the suite body. suiteRequestSchema (suite-request.ts) checks it, as
 * it checks the REST body: GraphQL needs a class for its input type.
 * graphql/request-shapes.spec.ts keeps the fields the same.
 */
@InputType('TriggerSuiteInput', { description: 'A suite to queue, as the body of POST /api/suites' })
export class TriggerSuiteInput {
  @Field({ description: 'Its name' }) name: string;

  @Field(() => [TriggerRunInput], { description: 'Each test a run definition; each becomes a run of the suite' })
  tests: TriggerRunInput[];

  @Field(() => [String], { nullable: true, description: 'Who gets the suite-finished email' })
  notify?: string[];

  @Field({ nullable: true, description: 'Gets the same report as JSON (POST, retried with backoff)' })
  webhookUrl?: string;

  @Field(() => Int, { nullable: true, description: "1 (most urgent) to 10: every test's, unless a test gives its own" })
  priority?: number;

  @Field(() => Int, {
    nullable: true,
    description: 'At most this many of its runs at once (default: as many as the workers take)',
  })
  concurrency?: number;
}
