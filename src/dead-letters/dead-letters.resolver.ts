import { ParseUUIDPipe } from '@nestjs/common';
import { Args, Field, ID, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { DeadLetter } from './dead-letter.entity';
import { DeadLettersService } from './dead-letters.service';

@ObjectType('DeadLetterPage')
class DeadLetterPageModel {
  @Field(() => [DeadLetter]) items: DeadLetter[];
  @Field(() => String, { nullable: true }) nextCursor: string | null;
}

@Resolver(() => DeadLetter)
export class DeadLettersResolver {
  constructor(private readonly letters: DeadLettersService) {}

  @Query(() => DeadLetterPageModel, { description: 'Jobs that failed for good, newest first' })
  deadLetters(
    @Args('queue', { type: () => String, nullable: true }) queue?: string,
    @Args('open', { type: () => Boolean, nullable: true }) open?: boolean,
    @Args('limit', { type: () => Int, nullable: true }) limit?: number,
    @Args('cursor', { type: () => String, nullable: true }) cursor?: string,
  ) {
    return this.letters.list({ queue: queue ?? undefined, open: open ?? undefined, limit: limit ?? undefined, cursor: cursor ?? undefined });
  }

  @Mutation(() => DeadLetter, { description: 'Put a job that failed for good back on its queue (its run, scrape or email goes back to queued)' })
  replayDeadLetter(@Args('id', { type: () => ID }, new ParseUUIDPipe()) id: string): Promise<DeadLetter> {
    return this.letters.replay(id);
  }
}
