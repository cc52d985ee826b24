import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { JSONObjectScalar } from '../graphql/json-object.scalar';

/** A job that failed for good: what it was, why it failed, and whether it was replayed. */
@ObjectType('DeadLetter')
@Entity('dead_letters')
@Index('dead_letters_failed_idx', { synchronize: false })
@Index('dead_letters_open_uq', { synchronize: false })
export class DeadLetter {
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  @Field()
  @Column({ type: 'varchar', length: 64 })
  queue: string;

  @Field({ description: 'The BullMQ job id: the run, scrape or email id' })
  @Column({ name: 'job_id', type: 'varchar', length: 255 })
  jobId: string;

  @Field()
  @Column({ name: 'job_name', type: 'varchar', length: 100 })
  jobName: string;

  @Field(() => JSONObjectScalar)
  @Column({ type: 'jsonb' })
  data: Record<string, unknown>;

  @Field()
  @Column({ type: 'text' })
  error: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  stack: string | null;

  @Field(() => Int)
  @Column({ type: 'int' })
  attempts: number;

  @Field(() => GraphQLISODateTime)
  @Column({ name: 'failed_at', type: 'timestamptz', default: () => 'now()' })
  failedAt: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Column({ name: 'replayed_at', type: 'timestamptz', nullable: true })
  replayedAt: Date | null;
}
