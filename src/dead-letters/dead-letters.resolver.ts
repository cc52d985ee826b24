import { ProjectId } from '../auth/principal.decorator';
import { ParseUUIDPipe } from '@nestjs/common';
import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { DeadLetter } from './dead-letter.entity';
import { DeadLettersService } from './dead-letters.service';
import { pageModel } from '../graphql/page-model';

const DeadLetterPageModel = pageModel(
  DeadLetter,
  'DeadLetterPage',
  'One page of dead letters, newest first',
  'The dead letters on this page',
);

@Resolver(() => DeadLetter)
export class DeadLettersResolver {
  constructor(private readonly letters: DeadLettersService) {}

  @Query(() => DeadLetterPageModel, { description: "The project's jobs that failed for good, newest first" })
  deadLetters(
    @Args('queue', { type: () => String, nullable: true, description: "Only this queue's" }) queue: string | undefined,
    @Args('open', {
      type: () => Boolean,
      nullable: true,
      description: 'true: only those not replayed yet; false: only replayed ones',
    })
    open: boolean | undefined,
    @Args('limit', { type: () => Int, nullable: true, description: 'Page size, 1 to 100 (default 20)' })
    limit: number | undefined,
    @Args('cursor', { type: () => String, nullable: true, description: 'nextCursor of the previous page' })
    cursor: string | undefined,
    @ProjectId() projectId: string,
  ) {
    return this.letters.list(projectId, {
      queue: queue ?? undefined,
      open: open ?? undefined,
      limit: limit ?? undefined,
      cursor: cursor ?? undefined,
    });
  }

  @Mutation(() => DeadLetter, {
    description: 'Put a job that failed for good back on its queue (its run, scrape or email goes back to queued)',
  })
  replayDeadLetter(
    @Args('id', { type: () => ID, description: "The dead letter's id" }, new ParseUUIDPipe()) id: string,
    @ProjectId() projectId: string,
  ): Promise<DeadLetter> {
    return this.letters.replay(id, projectId);
  }
}
