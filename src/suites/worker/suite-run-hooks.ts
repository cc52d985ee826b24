import { Injectable } from '@nestjs/common';
import type { ClaimGate, HookedRun, RunHooks } from '../../runs/worker/run-hooks';
import type { RunJobData } from '../../runs/run-job';
import { SuiteProgress } from './suite-progress';

/** A suite's part in its runs: its limit of runs at once before a claim, its state and counts as they start and end. */
@Injectable()
export class SuiteRunHooks implements RunHooks {
  constructor(private readonly progress: SuiteProgress) {}

  claimGate(runId: string, { suiteId, suiteConcurrency }: RunJobData): ClaimGate | undefined {
    if (!suiteId || !suiteConcurrency) return undefined;
    return (m) => this.progress.hasRoom(m, suiteId, runId, suiteConcurrency);
  }

  async runStarted({ suiteId }: HookedRun): Promise<void> {
    if (suiteId) await this.progress.runStarted(suiteId);
  }

  /**
   * The suite's last run in flight wakes its parent job: a suite whose runs went through
   * the fair layer has a parent without children, put off between looks (SuiteFinisher),
   * which then settles the suite at once instead of at its next look.
   */
  async runEnded({ suiteId }: HookedRun): Promise<void> {
    if (suiteId && (await this.progress.runEnded(suiteId))) await this.progress.wakeParent(suiteId);
  }
}
