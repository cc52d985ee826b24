import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { JSONObjectScalar } from '../graphql/json-object.scalar';
import { ProjectColumn } from '../projects/project-column';

/** A job that failed for good: what it was, why it failed, and whether it was replayed. */
@ObjectType('DeadLetter', {
  description: 'A job that failed for good (its last attempt failed), kept to be looked at or replayed',
})
@Entity('dead_letters')
@Index('dead_letters_failed_idx', { synchronize: false })
@Index('dead_letters_open_uq', { synchronize: false })
@Index('dead_letters_project_failed_idx', { synchronize: false })
export class DeadLetter {
  /** The project it belongs to. */
  @ProjectColumn()
  projectId: string;

  @Field(() => ID, { description: "The dead letter's id" })
  @PrimaryColumn('uuid')
  id: string;

  @Field({ description: 'The queue the job was on' })
  @Column({ type: 'varchar', length: 64 })
  queue: string;

  @Field({ description: 'The BullMQ job id: the run, scrape or email id' })
  @Column({ name: 'job_id', type: 'varchar', length: 255 })
  jobId: string;

  @Field({ description: "The job's name on its queue" })
  @Column({ name: 'job_name', type: 'varchar', length: 100 })
  jobName: string;

  @Field(() => JSONObjectScalar, { description: "The job's data as it was queued" })
  @Column({ type: 'jsonb' })
  data: Record<string, unknown>;

  @Field({ description: "The last attempt's error" })
  @Column({ type: 'text' })
  error: string;

  @Field(() => String, { nullable: true, description: "The last attempt's stack trace, when there was one" })
  @Column({ type: 'text', nullable: true })
  stack: string | null;

  @Field(() => Int, { description: 'How many attempts were made' })
  @Column({ type: 'int' })
  attempts: number;

  @Field(() => GraphQLISODateTime, { description: 'When the last attempt failed' })
  @Column({ name: 'failed_at', type: 'timestamptz', default: () => 'now()' })
  failedAt: Date;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'When it was put back on its queue (none: still open)',
  })
  @Column({ name: 'replayed_at', type: 'timestamptz', nullable: true })
  replayedAt: Date | null;
}
