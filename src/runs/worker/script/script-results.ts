import type { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { Repository } from 'typeorm';
import type { RunProgress } from '../../run-progress';
import type { RunTestResult, TestStatus, TestStepDetail } from '../../run-test.entity';
import type { ScriptError, ScriptMessage, ScriptStep, TestEndMessage, TestListing } from './script-messages';

/** A file a test kept, where the runner wrote it (a path inside the sandbox). */
export interface KeptAttachment {
  index: number;
  retry: number;
  name: string;
  contentType: string;
  path: string;
}

/** Text that may hold a secret: everything stored or reported goes through it. */
export type Redact = (text: string) => string;

/**
 * What the reporter says, as it says it: each test stored as a row when the run begins
 * (queued), marked running, then written as each attempt ends and reported live (a
 * `test` progress event). Writes happen one at a time, in order.
 */
export class ScriptResults {
  /** Set once the runner listed its tests: it started. */
  begun = false;
  /** The runner's own end, when it got there. */
  ended?: { status: 'passed' | 'failed' | 'timedout' | 'interrupted'; duration: number };
  /** Errors outside any test (a file that threw while loading). */
  readonly runErrors: ScriptError[] = [];
  readonly attachments: KeptAttachment[] = [];
  private listing: TestListing[] = [];
  private readonly finalStatus = new Map<number, TestStatus>();
  private readonly firstError = new Map<number, string>();
  private writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly runId: string,
    private readonly runAttempt: number,
    private readonly rows: Repository<RunTestResult>,
    private readonly job: Job,
    private readonly redact: Redact,
    private readonly logger: Logger,
  ) {}

  handle(message: ScriptMessage): void {
    this.writes = this.writes
      .then(() => this.apply(message))
      .catch((err: unknown) => this.logger.warn({ runId: this.runId, err }, 'Could not store a test result'));
  }

  /** Every write so far, done. */
  settled(): Promise<void> {
    return this.writes;
  }

  /** Tests that ended failed or timed out. */
  failures(): Array<{ title: string; error?: string }> {
    return [...this.finalStatus]
      .filter(([, status]) => status === 'failed' || status === 'timedOut')
      .map(([index, _]) => ({ title: this.titleOf(index), error: this.firstError.get(index) }));
  }

  get testCount(): number {
    return this.listing.length;
  }

  private async apply(message: ScriptMessage): Promise<void> {
    switch (message.t) {
      case 'begin':
        return this.begin(message.tests);
      case 'testBegin':
        if (!this.listing[message.i]) return;
        await this.rows.update(
          { runId: this.runId, index: message.i },
          { status: 'running', attempts: message.retry + 1 },
        );
        return;
      case 'test':
        return this.testEnded(message);
      case 'error':
        this.runErrors.push(this.redactError(message.error));
        return;
      case 'end':
        this.ended = { status: message.status, duration: message.duration };
        return;
    }
  }

  private async begin(tests: TestListing[]): Promise<void> {
    if (this.begun) return;
    this.begun = true;
    this.listing = tests.filter((test, i) => test.i === i);
    const rows = this.listing.map((test) => ({
      runId: this.runId,
      index: test.i,
      title: this.redact(test.title),
      describePath: test.path.map(this.redact),
      file: test.file,
      line: test.line,
      column: test.column,
      status: 'queued',
    }));
    for (let i = 0; i < rows.length; i += 500) await this.rows.insert(rows.slice(i, i + 500));
  }

  private async testEnded(message: TestEndMessage): Promise<void> {
    const test = this.listing[message.i];
    if (!test) return;
    for (const a of message.attachments)
      this.attachments.push({
        index: message.i,
        retry: message.retry,
        name: a.name,
        contentType: a.contentType,
        path: a.path,
      });
    const status: TestStatus = message.willRetry ? 'running' : finalStatus(message);
    const errors = message.errors.map((e) => this.redactError(e));
    if (!message.willRetry) {
      this.finalStatus.set(message.i, status);
      if (errors[0]) this.firstError.set(message.i, errors[0].message);
    }
    await this.rows.update(
      { runId: this.runId, index: message.i },
      {
        status,
        durationMs: message.duration,
        attempts: message.retry + 1,
        steps: message.steps.map((step) => this.step(step)),
        errors,
        stdout: this.redact(message.stdout),
        stderr: this.redact(message.stderr),
      },
    );
    await this.job
      .updateProgress({
        type: 'test',
        attempt: this.runAttempt,
        index: message.i,
        title: this.redact(test.title),
        status,
        retry: message.retry,
        durationMs: message.duration,
        error: errors[0]?.message ?? null,
      } satisfies RunProgress)
      .catch(() => undefined);
  }

  private titleOf(index: number): string {
    const test = this.listing[index];
    return this.redact([...(test?.path ?? []), test?.title ?? `test ${index}`].join(' › '));
  }

  private step(step: ScriptStep): TestStepDetail {
    return {
      title: this.redact(step.title),
      category: step.category,
      durationMs: step.duration,
      ...(step.error ? { error: this.redactError(step.error) } : {}),
      ...(step.location ? { location: step.location } : {}),
      steps: step.steps.map((child) => this.step(child)),
    };
  }

  private redactError(error: ScriptError): ScriptError {
    return {
      message: this.redact(error.message),
      ...(error.snippet !== undefined ? { snippet: this.redact(error.snippet) } : {}),
      ...(error.location ? { location: error.location } : {}),
    };
  }
}

/** Playwright's verdict as the user reads it: a pass on a retry is flaky, an expected failure (test.fail) passes. */
function finalStatus({ outcome, status }: TestEndMessage): TestStatus {
  if (outcome === 'flaky') return 'flaky';
  if (outcome === 'skipped' || status === 'skipped' || status === 'interrupted') return 'skipped';
  if (outcome === 'expected') return 'passed';
  return status === 'timedOut' ? 'timedOut' : 'failed';
}
