import type { SuiteCounts } from './suite.entity';

/** The counts of a suite as its parent job's progress (Bull Board shows it; live clients get it), with the runs ended. */
export type SuiteProgressReport = SuiteCounts & { done: number };

/**
 * The counts of a suite's runs, from their rows: the one definition of the aggregate.
 * `failed` holds runs that failed or timed out (a test that did not pass in time failed);
 * `errored` runs the platform could not run.
 */
export const SUITE_COUNTS_SQL = `
  SELECT count(*) FILTER (WHERE status = 'passed')::int AS passed,
         count(*) FILTER (WHERE status IN ('failed', 'timed_out'))::int AS failed,
         count(*) FILTER (WHERE status = 'error')::int AS errored,
         count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled,
         count(*) FILTER (WHERE status IN ('queued', 'running'))::int AS in_flight,
         min(started_at) AS first_started
  FROM runs WHERE suite_id = $1`;
