/**
 * Whether the secrets a script run names are stored, asked before the run is queued (a
 * missing one is a 400, not a run that fails later on a worker). Runs declare it and never
 * import the secrets feature; that feature provides it (a global module exporting
 * SECRETS_CHECK, as suites provide RUNS_ENDED_HOOK). Without it, every name passes.
 */
export interface SecretsCheck {
  /** The names of `names` that `projectId` has not stored, in the order given (another project's secrets do not count). */
  missing(names: string[], projectId: string): Promise<string[]>;
}

export const SECRETS_CHECK = Symbol('SECRETS_CHECK');

export const NO_SECRETS_CHECK: SecretsCheck = { missing: () => Promise.resolve([]) };
