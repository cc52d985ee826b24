import { ProjectId } from '../auth/principal.decorator';
import { ParseUUIDPipe } from '@nestjs/common';
import { Args, ID, Mutation, Query, Resolver, Subscription } from '@nestjs/graphql';
import { LiveEventHub } from '../events/live-event-hub';
import { liveIterator } from '../events/live-iterator';
import { TriggerSuiteInput } from './dto/trigger-suite.input';
import { SuiteRerunOnly } from './suite-rerun';
import { Suite } from './suite.entity';
import { SuitesService } from './suites.service';

@Resolver(() => Suite)
export class SuitesResolver {
  constructor(
    private readonly service: SuitesService,
    private readonly hub: LiveEventHub,
  ) {}

  @Mutation(() => Suite, { description: 'Queue many tests as one suite: each test a run, spread over the workers' })
  triggerSuite(
    @Args('input', { description: 'The suite, as the body of POST /api/suites' }) input: TriggerSuiteInput,
    @ProjectId() projectId: string,
  ): Promise<Suite> {
    return this.service.create(input, projectId);
  }

  @Mutation(() => Suite, { description: 'Cancel the queued runs of a suite and stop its running ones' })
  cancelSuite(
    @Args('id', { type: () => ID, description: "The suite's id" }, new ParseUUIDPipe()) id: string,
    @ProjectId() projectId: string,
  ): Promise<Suite> {
    return this.service.cancel(id, projectId);
  }

  @Mutation(() => Suite, {
    description:
      'Queue a new suite with the settings of an ended one and its failed tests (or all), as POST /api/suites/:id/rerun',
  })
  rerunSuite(
    @Args('id', { type: () => ID, description: "The ended suite's id" }, new ParseUUIDPipe()) id: string,
    @Args('only', {
      type: () => SuiteRerunOnly,
      nullable: true,
      defaultValue: SuiteRerunOnly.failed,
      description: 'Which tests: failed (those that ended failed, error or timed_out) or all',
    })
    only: SuiteRerunOnly | null,
    @ProjectId() projectId: string,
  ): Promise<Suite> {
    return this.service.rerun(id, only ?? SuiteRerunOnly.failed, projectId);
  }

  @Query(() => Suite, { description: 'A suite by id, with its runs' })
  suite(
    @Args('id', { type: () => ID, description: "The suite's id" }, new ParseUUIDPipe()) id: string,
    @ProjectId() projectId: string,
  ): Promise<Suite> {
    return this.service.get(id, projectId);
  }

  @Subscription(() => Suite, {
    description: 'The suite now, then again as its runs start and end, until it ends',
    resolve: (suite: Suite) => suite,
  })
  suiteUpdated(
    @Args('id', { type: () => ID, description: "The suite's id" }, new ParseUUIDPipe()) id: string,
    @ProjectId() projectId: string,
  ): Promise<AsyncIterableIterator<Suite>> {
    return liveIterator(this.hub, 'suite', id, projectId, (update) => update.payload as unknown as Suite);
  }
}
