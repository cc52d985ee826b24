import { Field, GraphQLISODateTime, Int, ObjectType } from '@nestjs/graphql';
import { Column } from 'typeorm';
import { Timestamped } from './timestamped';

/**
 * The columns every row that a queue job works on carries (runs, scrapes): its priority,
 * who ran it and how often, its error, whether cancel was asked, and its timings.
 */
@ObjectType({ isAbstract: true })
export abstract class JobRow extends Timestamped {
  @Field(() => Int, { description: '1 (most urgent) to 10' })
  @Column({ type: 'int', default: 5 })
  priority: number;

  @Field(() => Int, { description: 'How many times a worker started it' })
  @Column({ type: 'int', default: 0 })
  attempt: number;

  @Field(() => String, { nullable: true, description: 'The worker process that took it last' })
  @Column({ type: 'varchar', length: 200, nullable: true })
  worker: string | null;

  @Field(() => String, { nullable: true, description: 'Why it ended badly, when it did' })
  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ name: 'cancel_requested', type: 'boolean', default: false })
  cancelRequested: boolean;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When a worker started it (the last attempt)' })
  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When it ended' })
  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt: Date | null;

  @Field(() => Int, { nullable: true, description: 'From start to end, in milliseconds' })
  @Column({ name: 'duration_ms', type: 'int', nullable: true })
  durationMs: number | null;
}

/** The JobRow columns of a row no worker has touched yet: where every new run and suite starts. */
export const NOT_STARTED: Pick<
  JobRow,
  'attempt' | 'worker' | 'error' | 'cancelRequested' | 'startedAt' | 'finishedAt' | 'durationMs'
> = {
  attempt: 0,
  worker: null,
  error: null,
  cancelRequested: false,
  startedAt: null,
  finishedAt: null,
  durationMs: null,
};
