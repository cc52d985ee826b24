import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Check, Column, Entity, Index, OneToMany, PrimaryColumn } from 'typeorm';
import { JobRow } from '../database/job-row';
import { JSONObjectScalar } from '../graphql/json-object.scalar';
import type { RunDefinition } from './run-definition';
import { RunArtifact } from './run-artifact.entity';
import { RunStepResult } from './run-step.entity';
import { RunTestResult } from './run-test.entity';
import { ProjectColumn, ProjectListIndex } from '../projects/project-column';

export enum RunStatus {
  queued = 'queued',
  running = 'running',
  passed = 'passed',
  failed = 'failed',
  error = 'error',
  cancelled = 'cancelled',
  timed_out = 'timed_out',
}
registerEnumType(RunStatus, {
  name: 'RunStatus',
  description: 'Where a run is',
  valuesMap: {
    queued: { description: 'Waiting for a worker' },
    running: { description: 'A worker is running its steps' },
    passed: { description: 'Every step passed' },
    failed: { description: 'A step failed' },
    error: { description: 'The platform failed (not the page under test)' },
    cancelled: { description: 'Cancelled before it ended' },
    timed_out: { description: 'It ran past its timeout' },
  },
});

export const FINAL_RUN_STATUSES: readonly RunStatus[] = [
  RunStatus.passed,
  RunStatus.failed,
  RunStatus.error,
  RunStatus.cancelled,
  RunStatus.timed_out,
];

/** One browser test run. The API creates it `queued`; the worker owns every later change. */
@ObjectType('Run', { description: 'A browser test run: steps run in Chromium by a worker' })
@Entity('runs')
// Declared here as the migration made them (DESC indexes TypeORM cannot describe), so migration:generate leaves them alone.
@Check('runs_status_ck', `status IN ('queued', 'running', 'passed', 'failed', 'error', 'cancelled', 'timed_out')`)
@Index('runs_created_idx', { synchronize: false })
@Index('runs_status_created_idx', { synchronize: false })
@Index('runs_schedule_idx', { synchronize: false })
@Index('runs_suite_idx', { synchronize: false })
// Monitors read a schedule's ended runs in the order they ended.
@Index('runs_schedule_finished_idx', { synchronize: false })
// The artifact sweep reads ended runs that still have their artifacts, oldest first.
@Index('runs_artifacts_kept_idx', { synchronize: false })
@ProjectListIndex('runs')
export class Run extends JobRow {
  /** The project it belongs to. */
  @ProjectColumn()
  projectId: string;

  /** Also the BullMQ job id. */
  @Field(() => ID, { description: "The run's id" })
  @PrimaryColumn('uuid')
  id: string;

  @Field({ description: 'Its name' })
  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Field(() => JSONObjectScalar, { description: 'The definition as accepted, with defaults filled in' })
  @Column({ type: 'jsonb' })
  definition: RunDefinition;

  @Field(() => RunStatus, { description: 'Where it is' })
  @Column({ type: 'varchar', length: 16, default: RunStatus.queued })
  status: RunStatus;

  @Field(() => ID, { nullable: true, description: 'The schedule whose tick queued it' })
  @Column({ name: 'schedule_id', type: 'uuid', nullable: true })
  scheduleId: string | null;

  @Field(() => ID, { nullable: true, description: 'The suite it is a test of' })
  @Column({ name: 'suite_id', type: 'uuid', nullable: true })
  suiteId: string | null;

  @Field(() => Int, { nullable: true, description: 'Its place in its suite (0 first)' })
  @Column({ name: 'suite_index', type: 'int', nullable: true })
  suiteIndex: number | null;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'When its artifacts (files and HTML report) were removed, ARTIFACT_RETENTION_DAYS after it ended',
  })
  @Column({ name: 'artifacts_expired_at', type: 'timestamptz', nullable: true })
  artifactsExpiredAt: Date | null;

  @Field(() => [RunStepResult], { description: 'Its steps as they ended, in order' })
  @OneToMany(() => RunStepResult, (step) => step.run)
  steps?: RunStepResult[];

  @Field(() => [RunTestResult], { description: 'Its Playwright tests (script runs), in file order' })
  @OneToMany(() => RunTestResult, (test) => test.run)
  tests?: RunTestResult[];

  @Field(() => [RunArtifact], { description: 'The files it kept' })
  @OneToMany(() => RunArtifact, (artifact) => artifact.run)
  artifacts?: RunArtifact[];
}
