import { ProjectId } from '../auth/principal.decorator';
import { ParseUUIDPipe } from '@nestjs/common';
import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { LiveEventHub } from '../events/live-event-hub';
import { liveIterator } from '../events/live-iterator';
import type { LiveUpdate } from '../events/live-update';
import { RunTestUpdate, RunUpdate } from './dto/run-update.model';
import { RunArtifact } from './run-artifact.entity';
import { RunStepResult } from './run-step.entity';
import { RunTestResult } from './run-test.entity';
import { TriggerRunInput } from './dto/trigger-run.input';
import { Run, RunStatus } from './run.entity';
import { RunsService } from './runs.service';
import { pageModel } from '../graphql/page-model';

const RunPageModel = pageModel(Run, 'RunPage', 'One page of runs, newest first', 'The runs on this page');

@Resolver(() => Run)
export class RunsResolver {
  constructor(
    private readonly service: RunsService,
    private readonly hub: LiveEventHub,
  ) {}

  @Mutation(() => Run, { description: 'Queue a browser test run' })
  async triggerRun(
    @Args('input', { description: 'The run, as the body of POST /api/runs' }) input: TriggerRunInput,
  ): Promise<Run> {
    // The run as accepted (a fresh read could already find it running).
    return Object.assign(await this.service.create(input), { steps: [], tests: [], artifacts: [] });
  }

  @Mutation(() => Run, { description: 'Cancel a queued run, or ask a running one to stop' })
  async cancelRun(
    @Args('id', { type: () => ID, description: "The run's id" }, new ParseUUIDPipe()) id: string,
  ): Promise<Run> {
    await this.service.cancel(id);
    return this.service.get(id);
  }

  @Query(() => Run, { description: 'A run by id, with its steps and artifacts' })
  run(@Args('id', { type: () => ID, description: "The run's id" }, new ParseUUIDPipe()) id: string): Promise<Run> {
    return this.service.get(id);
  }

  @Query(() => RunPageModel, { description: 'Runs, newest first' })
  runs(
    @Args('status', { type: () => RunStatus, nullable: true, description: 'Only runs in this status' })
    status?: RunStatus,
    @Args('limit', { type: () => Int, nullable: true, description: 'Page size, 1 to 100 (default 20)' }) limit?: number,
    @Args('cursor', { type: () => String, nullable: true, description: 'nextCursor of the previous page' })
    cursor?: string,
  ) {
    return this.service.list({ status: status ?? undefined, limit: limit ?? undefined, cursor: cursor ?? undefined });
  }

  /** Loaded with the run by `run(id)`; read on demand where a run comes in a list (a suite's runs). */
  @ResolveField(() => [RunStepResult], { description: 'Its steps as they ended, in order' })
  steps(@Parent() run: Run): RunStepResult[] | Promise<RunStepResult[]> {
    return run.steps ?? this.service.stepsOf(run.id);
  }

  @ResolveField(() => [RunTestResult], { description: 'Its Playwright tests (script runs), in file order' })
  tests(@Parent() run: Run): RunTestResult[] | Promise<RunTestResult[]> {
    return run.tests ?? this.service.testsOf(run.id);
  }

  @ResolveField(() => [RunArtifact], { description: 'The files it kept' })
  artifacts(@Parent() run: Run): RunArtifact[] | Promise<RunArtifact[]> {
    return run.artifacts ?? this.service.artifactsOf(run.id);
  }

  @Subscription(() => RunUpdate, {
    description:
      'The run now, then each change (run.updated), each finished step (run.step) or test attempt (run.test) until it ends',
    resolve: (update: RunUpdate) => update,
  })
  runUpdated(
    @Args('id', { type: () => ID, description: "The run's id" }, new ParseUUIDPipe()) id: string,
    @ProjectId() projectId: string,
  ): Promise<AsyncIterableIterator<RunUpdate>> {
    return liveIterator(this.hub, 'run', id, projectId, (update) => toRunUpdate(id, update));
  }
}

function toRunUpdate(runId: string, { event, payload }: LiveUpdate): RunUpdate {
  if (event === 'run.test')
    return {
      event,
      runId,
      run: null,
      step: null,
      test: payload as unknown as RunTestUpdate,
      attempt: payload.attempt as number,
    };
  if (event === 'run.step')
    return { event, runId, run: null, step: payload as unknown as RunStepResult, attempt: payload.attempt as number };
  return { event, runId, run: payload as unknown as Run, step: null, attempt: null };
}
