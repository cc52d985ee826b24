import { Field, Int, ObjectType } from '@nestjs/graphql';
import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { Run } from './run.entity';

/** The result of one step, written as the step ends; (run, index) is unique so a retry overwrites. */
@ObjectType('RunStep', { description: 'One step of a run as it ended' })
@Entity('run_steps')
export class RunStepResult {
  @PrimaryColumn({ name: 'run_id', type: 'uuid' })
  runId: string;

  @Field(() => Int, { description: "Its place in the run's steps (0 first)" })
  @PrimaryColumn({ type: 'int' })
  index: number;

  @Field({ description: "What it did (the step's action)" })
  @Column({ type: 'varchar', length: 32 })
  action: string;

  @Field(() => String, { nullable: true, description: 'The selector or URL the step acted on' })
  @Column({ type: 'text', nullable: true })
  target: string | null;

  @Field({ description: 'passed, failed or skipped' })
  @Column({ type: 'varchar', length: 16 })
  status: string;

  @Field(() => Int, { description: 'How long it took, in milliseconds' })
  @Column({ name: 'duration_ms', type: 'int' })
  durationMs: number;

  @Field(() => String, { nullable: true, description: 'Why it failed, when it did' })
  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Field(() => String, { nullable: true, description: 'Name of the screenshot artifact taken at this step' })
  @Column({ type: 'varchar', length: 120, nullable: true })
  screenshot: string | null;

  @ManyToOne('Run', 'steps', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'run_id', foreignKeyConstraintName: 'run_steps_run_id_fkey' })
  run?: Run;
}
