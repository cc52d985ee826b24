import { RunStatus } from '../runs/run.entity';
import type { Suite, SuiteCounts } from './suite.entity';

/** What a suite's end says, in its email and its webhook: the same content for both. */
export interface SuiteReport {
  event: 'suite.finished';
  suite: {
    id: string;
    name: string;
    status: string;
    total: number;
    passed: number;
    failed: number;
    errored: number;
    cancelled: number;
    startedAt: string | null;
    finishedAt: string | null;
    durationMs: number | null;
    url: string;
  };
  /** Runs that did not pass and were not cancelled, with their first error. */
  failures: Array<{ runId: string; name: string; status: string; error: string | null; url: string }>;
  runs: Array<{ id: string; name: string; status: string; durationMs: number | null; url: string }>;
}

type SuiteLike = SuiteCounts & Pick<Suite, 'id' | 'name' | 'startedAt' | 'finishedAt' | 'durationMs'>;
interface RunLike {
  id: string;
  name: string;
  status: string;
  error: string | null;
  durationMs: number | null;
}

/** How a run that did not pass (and was not cancelled) ends: the failures a report lists and a rerun takes. */
export const FAILED_RUN_STATUSES: readonly RunStatus[] = [RunStatus.failed, RunStatus.timed_out, RunStatus.error];
const PROBLEMS = new Set<string>(FAILED_RUN_STATUSES);
/** An email lists each error in full up to this: a stack of Playwright call logs helps no one in a summary. */
const MAX_ERROR_CHARS = 1000;

/** `runs` in the suite's order; links are to the API (`publicUrl` is where users reach it). */
export function suiteReport(suite: SuiteLike, runs: RunLike[], publicUrl: string): SuiteReport {
  const base = publicUrl.replace(/\/+$/, '');
  const runUrl = (id: string) => `${base}/api/runs/${id}`;
  return {
    event: 'suite.finished',
    suite: {
      id: suite.id,
      name: suite.name,
      status: suite.status,
      total: suite.total,
      passed: suite.passed,
      failed: suite.failed,
      errored: suite.errored,
      cancelled: suite.cancelled,
      startedAt: suite.startedAt?.toISOString() ?? null,
      finishedAt: suite.finishedAt?.toISOString() ?? null,
      durationMs: suite.durationMs,
      url: `${base}/api/suites/${suite.id}`,
    },
    failures: runs
      .filter((run) => PROBLEMS.has(run.status))
      .map((run) => ({
        runId: run.id,
        name: run.name,
        status: run.status,
        error: run.error ? firstLines(run.error) : null,
        url: runUrl(run.id),
      })),
    runs: runs.map((run) => ({
      id: run.id,
      name: run.name,
      status: run.status,
      durationMs: run.durationMs,
      url: runUrl(run.id),
    })),
  };
}

/** The error's head: its first lines, at most MAX_ERROR_CHARS. */
function firstLines(error: string): string {
  const head = error.split('\n').slice(0, 6).join('\n');
  return head.length > MAX_ERROR_CHARS ? `${head.slice(0, MAX_ERROR_CHARS)}…` : head;
}

/** The `suite-finished` template's variables: the report, a readable duration, and each error indented for the text part. */
export function suiteEmailVariables(report: SuiteReport): Record<string, unknown> {
  const ms = report.suite.durationMs;
  const failures = report.failures.map((f) => ({ ...f, indentedError: f.error?.replace(/\n/g, '\n  ') ?? null }));
  return {
    ...report,
    failures,
    duration:
      ms === null
        ? 'did not start'
        : ms < 60_000
          ? `${(ms / 1000).toFixed(1)} s`
          : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`,
  };
}
