import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { RunStepResult } from '../run-step.entity';
import { Run } from '../run.entity';

/** One live update of a run (GraphQL `runUpdated`): its new state, or a step that ended. */
@ObjectType('RunUpdate', { description: 'One change of a run, as runUpdated delivers it' })
export class RunUpdate {
  @Field({ description: '`run.updated` (see run) or `run.step` (see step)' })
  event: string;

  @Field(() => ID, { description: "The run's id" })
  runId: string;

  @Field(() => Run, { nullable: true, description: 'The run as `run(id)` gives it, for `run.updated`' })
  run: Run | null;

  @Field(() => RunStepResult, { nullable: true, description: 'The step that just ended, for `run.step`' })
  step: RunStepResult | null;

  @Field(() => Int, { nullable: true, description: 'The attempt the step belongs to, for `run.step`' })
  attempt: number | null;
}
