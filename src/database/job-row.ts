import { Field, GraphQLISODateTime, Int, ObjectType } from '@nestjs/graphql';
import { Column } from 'typeorm';
import { Timestamped } from './timestamped';

/**
 * The columns every row that a queue job works on carries (runs, scrapes): its priority,
 * who ran it and how often, its error, whether cancel was asked, and its timings.
 */
@ObjectType({ isAbstract: true })
export abstract class JobRow extends Timestamped {
  @Field(() => Int)
  @Column({ type: 'int', default: 5 })
  priority: number;

  @Field(() => Int, { description: 'How many times a worker started it' })
  @Column({ type: 'int', default: 0 })
  attempt: number;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 200, nullable: true })
  worker: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ name: 'cancel_requested', type: 'boolean', default: false })
  cancelRequested: boolean;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt: Date | null;

  @Field(() => Int, { nullable: true })
  @Column({ name: 'duration_ms', type: 'int', nullable: true })
  durationMs: number | null;
}
