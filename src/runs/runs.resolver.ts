import { ParseUUIDPipe } from '@nestjs/common';
import { Args, Field, ID, Int, Mutation, ObjectType, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { LiveEventHub } from '../events/live-event-hub';
import { liveIterator } from '../events/live-iterator';
import type { LiveUpdate } from '../events/live-update';
import { RunUpdate } from './dto/run-update.model';
import { RunArtifact } from './run-artifact.entity';
import { RunStepResult } from './run-step.entity';
import { TriggerRunInput } from './dto/trigger-run.input';
import { Run, RunStatus } from './run.entity';
import { RunsService } from './runs.service';

@ObjectType('RunPage')
class RunPageModel {
  @Field(() => [Run]) items: Run[];
  @Field(() => String, { nullable: true }) nextCursor: string | null;
}

@Resolver(() => Run)
export class RunsResolver {
  constructor(
    private readonly service: RunsService,
    private readonly hub: LiveEventHub,
  ) {}

  @Mutation(() => Run, { description: 'Queue a browser test run' })
  async triggerRun(@Args('input') input: TriggerRunInput): Promise<Run> {
    // The run as accepted (a fresh read could already find it running).
    return Object.assign(await this.service.create(input), { steps: [], artifacts: [] });
  }

  @Mutation(() => Run, { description: 'Cancel a queued run, or ask a running one to stop' })
  async cancelRun(@Args('id', { type: () => ID }, new ParseUUIDPipe()) id: string): Promise<Run> {
    await this.service.cancel(id);
    return this.service.get(id);
  }

  @Query(() => Run)
  run(@Args('id', { type: () => ID }, new ParseUUIDPipe()) id: string): Promise<Run> {
    return this.service.get(id);
  }

  @Query(() => RunPageModel)
  runs(
    @Args('status', { type: () => RunStatus, nullable: true }) status?: RunStatus,
    @Args('limit', { type: () => Int, nullable: true }) limit?: number,
    @Args('cursor', { type: () => String, nullable: true }) cursor?: string,
  ) {
    return this.service.list({ status: status ?? undefined, limit: limit ?? undefined, cursor: cursor ?? undefined });
  }

  /** Loaded with the run by `run(id)`; read on demand where a run comes in a list (a suite's runs). */
  @ResolveField(() => [RunStepResult])
  steps(@Parent() run: Run): RunStepResult[] | Promise<RunStepResult[]> {
    return run.steps ?? this.service.stepsOf(run.id);
  }

  @ResolveField(() => [RunArtifact])
  artifacts(@Parent() run: Run): RunArtifact[] | Promise<RunArtifact[]> {
    return run.artifacts ?? this.service.artifactsOf(run.id);
  }

  @Subscription(() => RunUpdate, {
    description: 'The run now, then each change (run.updated) and each finished step (run.step) until it ends',
    resolve: (update: RunUpdate) => update,
  })
  runUpdated(@Args('id', { type: () => ID }, new ParseUUIDPipe()) id: string): Promise<AsyncIterableIterator<RunUpdate>> {
    return liveIterator(this.hub, 'run', id, (update) => toRunUpdate(id, update));
  }
}

function toRunUpdate(runId: string, { event, payload }: LiveUpdate): RunUpdate {
  if (event === 'run.step') return { event, runId, run: null, step: payload as unknown as RunStepResult, attempt: payload.attempt as number };
  return { event, runId, run: payload as unknown as Run, step: null, attempt: null };
}
