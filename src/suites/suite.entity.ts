import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { JobRow } from '../database/job-row';
import { Run } from '../runs/run.entity';
import { ProjectColumn, ProjectListIndex } from '../projects/project-column';

export enum SuiteStatus {
  queued = 'queued',
  running = 'running',
  passed = 'passed',
  failed = 'failed',
  error = 'error',
  cancelled = 'cancelled',
}
registerEnumType(SuiteStatus, {
  name: 'SuiteStatus',
  description: 'Where a suite is',
  valuesMap: {
    queued: { description: 'Its runs wait for workers' },
    running: { description: 'Some of its runs are running' },
    passed: { description: 'Every run passed' },
    failed: { description: 'A run failed or timed out' },
    error: { description: 'A run ended in a platform fault' },
    cancelled: { description: 'Cancelled before it ended' },
  },
});

export const FINAL_SUITE_STATUSES: readonly SuiteStatus[] = [
  SuiteStatus.passed,
  SuiteStatus.failed,
  SuiteStatus.error,
  SuiteStatus.cancelled,
];

export enum WebhookStatus {
  pending = 'pending',
  delivered = 'delivered',
  failed = 'failed',
}
registerEnumType(WebhookStatus, {
  name: 'WebhookStatus',
  description: "Where a suite's webhook is",
  valuesMap: {
    pending: { description: 'Not delivered yet (retried with backoff)' },
    delivered: { description: 'The receiver answered 2xx' },
    failed: { description: 'Every attempt failed (see webhookError)' },
  },
});

/**
 * Many tests run as one job. The API creates it `queued` with its runs; the workers own
 * every later change: `running` when its first run starts, counts as each run ends, the
 * end state (from its runs' states) when the last one ends.
 */
@ObjectType('Suite', { description: 'Many tests queued as one: each test a run' })
@Entity('suites')
@Check('suites_status_ck', `status IN ('queued', 'running', 'passed', 'failed', 'error', 'cancelled')`)
@Check('suites_webhook_status_ck', `webhook_status IN ('pending', 'delivered', 'failed')`)
@Index('suites_created_idx', { synchronize: false })
@Index('suites_schedule_idx', { synchronize: false })
// Monitors read a schedule's ended suites in the order they ended.
@Index('suites_schedule_finished_idx', { synchronize: false })
@ProjectListIndex('suites')
export class Suite extends JobRow {
  /** The project it belongs to. */
  @ProjectColumn()
  projectId: string;

  /** Also the id of the flow's parent job on the suites queue. */
  @Field(() => ID, { description: "The suite's id" })
  @PrimaryColumn('uuid')
  id: string;

  @Field({ description: 'Its name' })
  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Field(() => SuiteStatus, { description: 'Where it is' })
  @Column({ type: 'varchar', length: 16, default: SuiteStatus.queued })
  status: SuiteStatus;

  @Field(() => Int, {
    nullable: true,
    description: 'At most this many of its runs at once (none: as many as the workers take)',
  })
  @Column({ type: 'int', nullable: true })
  concurrency: number | null;

  @Field(() => [String], { description: 'Who gets the suite-finished email' })
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  notify: string[];

  @Field(() => String, { nullable: true, description: "Gets the suite's report as JSON when it ends" })
  @Column({ name: 'webhook_url', type: 'text', nullable: true })
  webhookUrl: string | null;

  @Field(() => WebhookStatus, { nullable: true, description: 'Where its webhook is' })
  @Column({ name: 'webhook_status', type: 'varchar', length: 16, nullable: true })
  webhookStatus: WebhookStatus | null;

  @Field(() => String, { nullable: true, description: 'Why the webhook failed, when it did' })
  @Column({ name: 'webhook_error', type: 'text', nullable: true })
  webhookError: string | null;

  @Field(() => Int, { description: 'Its tests (runs)' })
  @Column({ type: 'int' })
  total: number;

  @Field(() => Int, { description: 'Runs that passed' })
  @Column({ type: 'int', default: 0 })
  passed: number;

  @Field(() => Int, { description: 'Runs that ended failed or timed_out' })
  @Column({ type: 'int', default: 0 })
  failed: number;

  @Field(() => Int, { description: 'Runs that ended error (a platform fault)' })
  @Column({ type: 'int', default: 0 })
  errored: number;

  @Field(() => Int, { description: 'Runs that were cancelled' })
  @Column({ type: 'int', default: 0 })
  cancelled: number;

  @Field(() => ID, { nullable: true, description: 'The schedule whose tick queued it' })
  @Column({ name: 'schedule_id', type: 'uuid', nullable: true })
  scheduleId: string | null;

  @Field(() => [Run], { description: 'Its runs, in the order of its tests' })
  runs?: Run[];
}

/** A suite's aggregate: its state and its runs' counts. */
export type SuiteCounts = Pick<Suite, 'status' | 'total' | 'passed' | 'failed' | 'errored' | 'cancelled'>;
