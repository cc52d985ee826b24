/**
 * What runs tell the feature that groups them into suites when the API, not a worker, ended
 * runs of a suite (a cancel before they started): a suite whose last run in flight that was
 * can end at once, worker or not. Runs declare it and never import suites; suites provide it
 * (SuiteRunsEndedModule), and without them it does nothing.
 */
export interface RunsEndedHook {
  /** Runs of the suite just ended; a failure leaves the suite to its parent job (a worker). */
  suiteRunsEnded(suiteId: string): Promise<unknown>;
}

export const RUNS_ENDED_HOOK = Symbol('RUNS_ENDED_HOOK');

export const IGNORE_RUNS_ENDED: RunsEndedHook = { suiteRunsEnded: () => Promise.resolve() };
