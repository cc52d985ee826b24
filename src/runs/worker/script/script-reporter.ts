/**
 * The Playwright Test reporter of script runs. It runs INSIDE the sandbox, loaded by the
 * runner from the control folder, so it imports nothing but Node's built-ins (types are
 * erased). It writes one JSON line per event to file descriptor 3, which the worker reads
 * (script-messages.ts checks every line: the user's code shares the sandbox and could
 * write there too, so nothing in a line is trusted).
 */
import { mkdirSync, writeFileSync, writeSync } from 'node:fs';
import { join, relative } from 'node:path';
import type {
  FullConfig,
  FullResult,
  Reporter,
  Suite,
  TestCase,
  TestError,
  TestResult,
  TestStep,
} from '@playwright/test/reporter';

const OUTPUT_KEPT = 64 * 1024;
const MAX_STEPS = 300;
const MAX_DEPTH = 10;
const KEPT_CATEGORIES = new Set(['test.step', 'expect', 'pw:api']);
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

const EXTENSIONS: Record<string, string> = {
  'text/plain': '.txt',
  'text/markdown': '.md',
  'text/html': '.html',
  'text/csv': '.csv',
  'application/json': '.json',
  'application/xml': '.xml',
  'image/png': '.png',
  'image/jpeg': '.jpeg',
  'video/webm': '.webm',
  'application/zip': '.zip',
};
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

const plain = (text: string | undefined, max: number) => (text ?? '').replace(ANSI, '').slice(0, max);

class ScriptReporter implements Reporter {
  private rootDir = '';
  private outputDir = '';
  private readonly index = new Map<TestCase, number>();

  printsToStdio(): boolean {
    return false;
  }

  onBegin(config: FullConfig, suite: Suite): void {
    this.rootDir = config.rootDir;
    this.outputDir = config.projects[0]?.outputDir ?? config.rootDir;
    const tests = suite.allTests().map((test, i) => {
      this.index.set(test, i);
      return { i, title: test.title, path: describePath(test), ...this.where(test.location) };
    });
    emit({ t: 'begin', tests });
  }

  onTestBegin(test: TestCase, result: TestResult): void {
    emit({ t: 'testBegin', i: this.index.get(test), retry: result.retry });
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    const budget = { left: MAX_STEPS };
    emit({
      t: 'test',
      i: this.index.get(test),
      retry: result.retry,
      status: result.status,
      outcome: test.outcome(),
      willRetry: result.status !== 'passed' && result.status !== 'skipped' && result.retry < test.retries,
      duration: result.duration,
      steps: this.steps(result.steps, 0, budget),
      errors: result.errors.map((error) => this.error(error)),
      stdout: output(result.stdout),
      stderr: output(result.stderr),
      attachments: result.attachments
        .map((a, n) => ({
          name: a.name,
          contentType: a.contentType,
          path: a.path ?? this.saveBody(a.body, test, result, n, a.contentType),
        }))
        .filter((a) => a.path),
    });
  }

  onError(error: TestError): void {
    emit({ t: 'error', error: this.error(error) });
  }

  onEnd(result: FullResult): void {
    emit({ t: 'end', status: result.status, duration: result.duration });
  }

  /** An attachment given as a body (testInfo.attach(name, { body })) becomes a file, so it is kept like the others. */
  private saveBody(body: Buffer | undefined, test: TestCase, result: TestResult, n: number, contentType: string) {
    if (!body) return undefined;
    const dir = join(this.outputDir, 'attachments');
    const path = join(dir, `test-${this.index.get(test)}-${result.retry}-${n}${EXTENSIONS[contentType] ?? '.bin'}`);
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(path, body);
      return path;
    } catch {
      return undefined;
    }
  }

  private steps(steps: TestStep[], depth: number, budget: { left: number }): unknown[] {
    const kept: unknown[] = [];
    for (const step of steps) {
      // A hook or fixture is shown only when it failed: that is where the test broke.
      if (!KEPT_CATEGORIES.has(step.category) && !step.error) {
        if (depth < MAX_DEPTH) kept.push(...this.steps(step.steps, depth, budget));
        continue;
      }
      if (budget.left-- <= 0) break;
      kept.push({
        title: plain(step.title, 500),
        category: step.category,
        duration: step.duration,
        ...(step.error ? { error: this.error(step.error) } : {}),
        ...(step.location ? { location: this.where(step.location) } : {}),
        steps: depth < MAX_DEPTH ? this.steps(step.steps, depth + 1, budget) : [],
      });
    }
    return kept;
  }

  private error(error: TestError): unknown {
    return {
      message: plain(error.message ?? error.value ?? 'error', 8000),
      ...(error.snippet ? { snippet: plain(error.snippet, 4000) } : {}),
      ...(error.location ? { location: this.where(error.location) } : {}),
    };
  }

  private where(location: { file: string; line: number; column: number }) {
    return { file: relative(this.rootDir, location.file), line: location.line, column: location.column };
  }
}

/** The describe blocks a test is in, outermost first (not the project or the file). */
function describePath(test: TestCase): string[] {
  const path: string[] = [];
  for (let suite: Suite | undefined = test.parent; suite; suite = suite.parent)
    if (suite.type === 'describe') path.unshift(suite.title);
  return path;
}

function output(chunks: Array<string | Buffer>): string {
  let text = '';
  for (const chunk of chunks) {
    text += plain(typeof chunk === 'string' ? chunk : chunk.toString('utf8'), OUTPUT_KEPT);
    if (text.length >= OUTPUT_KEPT) return `${text.slice(0, OUTPUT_KEPT)}\n[output cut at ${OUTPUT_KEPT} characters]`;
  }
  return text;
}

function emit(message: unknown): void {
  let line = Buffer.from(`${JSON.stringify(message)}\n`);
  // The pipe may be full for a moment (EAGAIN): the worker reads it; give it the time.
  for (let tries = 0; line.length > 0 && tries < 10000; tries++) {
    try {
      line = line.subarray(writeSync(3, line));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') return; // the worker is gone: nothing to tell
      Atomics.wait(PAUSE, 0, 0, 1);
    }
  }
}

export default ScriptReporter;
