import { ParseUUIDPipe } from '@nestjs/common';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { TriggerSuiteInput } from './dto/trigger-suite.input';
import { Suite } from './suite.entity';
import { SuitesService } from './suites.service';

@Resolver(() => Suite)
export class SuitesResolver {
  constructor(private readonly service: SuitesService) {}

  @Mutation(() => Suite, { description: 'Queue many tests as one suite: each test a run, spread over the workers' })
  triggerSuite(@Args('input') input: TriggerSuiteInput): Promise<Suite> {
    return this.service.create(input);
  }

  @Mutation(() => Suite, { description: 'Cancel the queued runs of a suite and stop its running ones' })
  cancelSuite(@Args('id', { type: () => ID }, new ParseUUIDPipe()) id: string): Promise<Suite> {
    return this.service.cancel(id);
  }

  @Query(() => Suite)
  suite(@Args('id', { type: () => ID }, new ParseUUIDPipe()) id: string): Promise<Suite> {
    return this.service.get(id);
  }
}
