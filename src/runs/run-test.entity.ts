import { Field, Int, ObjectType } from '@nestjs/graphql';
import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { JSONScalar } from '../graphql/json.scalar';
import type { Run } from './run.entity';

/** A test's state as the user sees it: Playwright's, with `flaky` for a test that passed on a retry. */
export const TEST_STATUSES = ['passed', 'failed', 'timedOut', 'skipped', 'flaky'] as const;
export type TestStatus = (typeof TEST_STATUSES)[number] | 'running';

/** An error as Playwright Test gave it: the message, the code frame, where in the user's file. */
export interface TestErrorDetail {
  message: string;
  snippet?: string;
  location?: { file: string; line: number; column: number };
}

/** One `test.step` (or action, or assertion) of a test, with the steps inside it. */
export interface TestStepDetail {
  title: string;
  category: string;
  durationMs: number;
  error?: TestErrorDetail;
  location?: { file: string; line: number; column: number };
  steps: TestStepDetail[];
}

export interface TestAttachment {
  name: string;
  contentType: string;
  /** The run artifact holding it. */
  artifact: string;
}

/** One Playwright test of a script run, written as its attempts end; (run, index) is unique. */
@ObjectType('RunTest', { description: 'One Playwright test of a script run' })
@Entity('run_tests')
export class RunTestResult {
  @PrimaryColumn({ name: 'run_id', type: 'uuid' })
  runId: string;

  @Field(() => Int, { description: 'Its place in the run (0 first, in file order)' })
  @PrimaryColumn({ type: 'int' })
  index: number;

  @Field({ description: 'Its title' })
  @Column({ type: 'text' })
  title: string;

  @Field(() => [String], { description: 'The describe blocks it is in, outermost first' })
  @Column({ name: 'describe_path', type: 'jsonb', default: () => `'[]'` })
  describePath: string[];

  @Field({ description: 'The file it is in' })
  @Column({ type: 'text' })
  file: string;

  @Field(() => Int, { description: 'Its line in that file' })
  @Column({ type: 'int' })
  line: number;

  @Field(() => Int, { description: 'Its column in that file' })
  @Column({ type: 'int' })
  column: number;

  @Field({ description: 'queued, running, passed, failed, timedOut, skipped or flaky (passed on a retry)' })
  @Column({ type: 'varchar', length: 16 })
  status: string;

  @Field(() => Int, { description: 'How long its last attempt took, in milliseconds' })
  @Column({ name: 'duration_ms', type: 'int', default: 0 })
  durationMs: number;

  @Field(() => Int, { description: 'How many times it ran (1 + retries used)' })
  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Field(() => JSONScalar, {
    description: 'Its test.step tree (with actions and assertions), each with its duration and error',
  })
  @Column({ type: 'jsonb', default: () => `'[]'` })
  steps: TestStepDetail[];

  @Field(() => JSONScalar, { description: 'Its errors: message, code frame and location in the file' })
  @Column({ type: 'jsonb', default: () => `'[]'` })
  errors: TestErrorDetail[];

  @Field({ description: 'What it printed to stdout (the last attempt; at most 64 KiB)' })
  @Column({ type: 'text', default: '' })
  stdout: string;

  @Field({ description: 'What it printed to stderr (the last attempt; at most 64 KiB)' })
  @Column({ type: 'text', default: '' })
  stderr: string;

  @Field(() => JSONScalar, {
    description: 'Files it kept (screenshots, trace, video, testInfo.attach), each a run artifact',
  })
  @Column({ type: 'jsonb', default: () => `'[]'` })
  attachments: TestAttachment[];

  @ManyToOne('Run', 'tests', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'run_id', foreignKeyConstraintName: 'run_tests_run_id_fkey' })
  run?: Run;
}
