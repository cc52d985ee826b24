import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { RunStepResult } from '../run-step.entity';
import { Run } from '../run.entity';

/** A test attempt of a script run that just ended, as `run.test` reports it. */
@ObjectType('RunTestUpdate', { description: 'A test attempt that just ended (script runs)' })
export class RunTestUpdate {
  @Field(() => Int, { description: "The test's place in the run" })
  index: number;

  @Field({ description: 'Its title' })
  title: string;

  @Field({ description: 'running (it will be retried), passed, failed, timedOut, skipped or flaky' })
  status: string;

  @Field(() => Int, { description: 'Which retry this attempt was (0 first)' })
  retry: number;

  @Field(() => Int, { description: 'How long the attempt took, in milliseconds' })
  durationMs: number;

  @Field(() => String, { nullable: true, description: 'Its first error' })
  error: string | null;
}

/** One live update of a run (GraphQL `runUpdated`): its new state, or a step that ended. */
@ObjectType('RunUpdate', { description: 'One change of a run, as runUpdated delivers it' })
export class RunUpdate {
  @Field({ description: '`run.updated` (see run), `run.step` (see step) or `run.test` (see test)' })
  event: string;

  @Field(() => ID, { description: "The run's id" })
  runId: string;

  @Field(() => Run, { nullable: true, description: 'The run as `run(id)` gives it, for `run.updated`' })
  run: Run | null;

  @Field(() => RunStepResult, { nullable: true, description: 'The step that just ended, for `run.step`' })
  step: RunStepResult | null;

  @Field(() => RunTestUpdate, { nullable: true, description: 'The test attempt that just ended, for `run.test`' })
  test?: RunTestUpdate | null;

  @Field(() => Int, { nullable: true, description: 'The attempt of the run the step or test belongs to' })
  attempt: number | null;
}
