import { Injectable, Logger } from '@nestjs/common';
import type { ClaimGate, HookedRun, RunHooks } from '../../runs/worker/run-hooks';
import type { RunJobData } from '../../runs/run-job';
import { SuiteSettler } from '../suite-settler';
import { SuiteProgress } from './suite-progress';

/** A suite's part in its runs: its limit of runs at once before a claim, its state and counts as they start and end. */
@Injectable()
export class SuiteRunHooks implements RunHooks {
  private readonly logger = new Logger(SuiteRunHooks.name);

  constructor(
    private readonly progress: SuiteProgress,
    private readonly settler: SuiteSettler,
  ) {}

  claimGate(runId: string, { suiteId, suiteConcurrency }: RunJobData): ClaimGate | undefined {
    if (!suiteId || !suiteConcurrency) return undefined;
    return (m) => this.progress.hasRoom(m, suiteId, runId, suiteConcurrency);
  }

  async runStarted({ suiteId }: HookedRun): Promise<void> {
    if (suiteId) await this.progress.runStarted(suiteId);
  }

  /**
   * The suite's last run in flight settles it here: a suite whose runs went through the
   * fair layer has a parent job without children, which would only notice on its next
   * look (SuiteFinisher). Settling twice is harmless (SuiteSettler).
   */
  async runEnded({ suiteId }: HookedRun): Promise<void> {
    if (!suiteId || !(await this.progress.runEnded(suiteId))) return;
    await this.settler
      .settleIfDone(suiteId)
      .catch((err: unknown) => this.logger.warn({ suiteId, err }, 'Could not settle a suite; its parent job will'));
  }
}
