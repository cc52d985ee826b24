import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { Timestamped } from '../database/timestamped';
import type { RunDefinition } from '../runs/run-definition';
import type { SuiteTemplate } from '../suites/suite-request';
import { JSONObjectScalar } from '../graphql/json-object.scalar';
import { ProjectColumn, ProjectListIndex } from '../projects/project-column';
import type { ScheduleAlerts } from './schedule-alerts';

/** A cron schedule: each tick queues its run (or suite), unless the previous one is still going. */
@ObjectType('Schedule', { description: 'A cron schedule: each tick queues its run (or suite)' })
@Entity('schedules')
@Index('schedules_created_idx', { synchronize: false })
@Check('schedules_target_ck', '(run IS NULL) <> (suite IS NULL)')
@ProjectListIndex('schedules')
export class Schedule extends Timestamped {
  /** The project it belongs to. */
  @ProjectColumn()
  projectId: string;

  /** Also the id of its BullMQ job scheduler. */
  @ApiProperty({ format: 'uuid' })
  @PrimaryColumn('uuid')
  @Field(() => ID, { description: "The schedule's id" })
  id: string;

  @ApiProperty()
  @Column({ type: 'varchar', length: 200 })
  @Field({ description: 'Its name' })
  name: string;

  @ApiProperty({ example: '0 */15 * * * *', description: 'cron pattern: 5 fields, or 6 with seconds first' })
  @Column({ type: 'varchar', length: 200 })
  @Field({ description: 'cron pattern: 5 fields, or 6 with seconds first' })
  cron: string;

  @ApiProperty({ example: 'Europe/Paris' })
  @Column({ type: 'varchar', length: 64, default: 'UTC' })
  @Field({ description: 'IANA time zone the pattern is read in' })
  timezone: string;

  @ApiPropertyOptional({
    description: 'The run definition each tick queues, as accepted (defaults filled in); null for a suite schedule',
    nullable: true,
  })
  @Column({ type: 'jsonb', nullable: true })
  @Field(() => JSONObjectScalar, { nullable: true, description: 'The run each tick queues; null for a suite schedule' })
  run: RunDefinition | null;

  @ApiPropertyOptional({
    description: 'The suite each tick queues, as accepted (each test with defaults filled in); null for a run schedule',
    nullable: true,
  })
  @Column({ type: 'jsonb', nullable: true })
  @Field(() => JSONObjectScalar, { nullable: true, description: 'The suite each tick queues; null for a run schedule' })
  suite: SuiteTemplate | null;

  @ApiPropertyOptional({ format: 'uuid', nullable: true })
  @Column({ name: 'last_run_id', type: 'uuid', nullable: true })
  @Field(() => ID, { nullable: true, description: 'The run its last tick queued' })
  lastRunId: string | null;

  @ApiPropertyOptional({ format: 'uuid', nullable: true })
  @Column({ name: 'last_suite_id', type: 'uuid', nullable: true })
  @Field(() => ID, { nullable: true, description: 'The suite its last tick queued' })
  lastSuiteId: string | null;

  @ApiPropertyOptional({ nullable: true })
  @Column({ name: 'last_tick_at', type: 'timestamptz', nullable: true })
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When it last ticked' })
  lastTickAt: Date | null;

  @ApiProperty({ description: 'Runs (or suites) its ticks queued' })
  @Column({ name: 'runs_queued', type: 'int', default: 0 })
  @Field(() => Int, { description: 'Runs (or suites) its ticks queued' })
  runsQueued: number;

  @ApiProperty({ description: 'Ticks that queued nothing: the previous run was still going, or runs were at capacity' })
  @Column({ name: 'ticks_skipped', type: 'int', default: 0 })
  @Field(() => Int, { description: 'Ticks that queued nothing' })
  ticksSkipped: number;

  @ApiPropertyOptional({ nullable: true })
  @Column({ name: 'last_skip_reason', type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Why the last skipped tick queued nothing' })
  lastSkipReason: string | null;

  @ApiPropertyOptional({ nullable: true, description: 'When it was paused (no ticks until resumed); null: it ticks' })
  @Column({ name: 'paused_at', type: 'timestamptz', nullable: true })
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When it was paused; null while it ticks' })
  pausedAt: Date | null;

  @ApiPropertyOptional({ nullable: true, description: 'Its alert rules (monitors); null: no alerts' })
  @Column({ type: 'jsonb', nullable: true })
  @Field(() => JSONObjectScalar, {
    nullable: true,
    description: 'Its alert rules, defaults filled in; null: no alerts',
  })
  alerts: ScheduleAlerts | null;

  @ApiPropertyOptional({ nullable: true, description: 'Until when its alerts are muted; null: not muted' })
  @Column({ name: 'muted_until', type: 'timestamptz', nullable: true })
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Until when its alerts are muted; null: not muted' })
  mutedUntil: Date | null;

  @ApiPropertyOptional({ description: 'When the next tick is due (from the queue), on GET' })
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the next tick is due; null while paused' })
  nextTickAt?: Date | null;
}
