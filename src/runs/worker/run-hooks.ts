import type { EntityManager } from 'typeorm';
import type { RunJobData } from '../run-job';

/** Asked inside the claim's transaction `m` (locks taken there hold until the claim): may the run start now? */
export type ClaimGate = (m: EntityManager) => Promise<boolean>;

/** A run as its hooks hear of it: its id, and its suite's when it belongs to one. */
export interface HookedRun {
  runId: string;
  suiteId?: string;
}

/**
 * What the run executor lets others follow on the worker side, without runs knowing who
 * listens (suites do: their limit of runs at once, their state and counts).
 */
export interface RunHooks {
  /**
   * What must let this run in before it is claimed; undefined claims it at once (no
   * transaction). A gate that answers false puts the job off: no attempt spent, tried again soon.
   */
  claimGate(runId: string, job: RunJobData): ClaimGate | undefined;
  /** The run was claimed: it is running. */
  runStarted(run: HookedRun): Promise<void>;
  /** The run ended, or was found ended when its job came (never throws). */
  runEnded(run: HookedRun): Promise<void>;
}

/** The token the run executor takes its hooks by; a worker module that offers them provides it globally. */
export const RUN_HOOKS = Symbol('RUN_HOOKS');

/** No one listens: every run is claimed at once. */
export const NO_RUN_HOOKS: RunHooks = {
  claimGate: () => undefined,
  runStarted: () => Promise.resolve(),
  runEnded: () => Promise.resolve(),
};
