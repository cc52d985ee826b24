import { Injectable, OnModuleInit } from '@nestjs/common';
import { RUN_JOB } from '../../runs/run-job';
import { RowEndedHooks } from '../../worker-runtime/row-ended-hooks';
import { SuiteSettler } from '../suite-settler';

/**
 * When the reconciler ends a run's row, that run may have been its suite's last in
 * flight, and the suite's parent job may be gone with it: the suite is settled then.
 */
@Injectable()
export class SettleSuiteWhenRunEnds implements OnModuleInit {
  constructor(
    private readonly hooks: RowEndedHooks,
    private readonly settler: SuiteSettler,
  ) {}

  onModuleInit(): void {
    this.hooks.register(RUN_JOB.queue, (runId) => this.settler.settleSuiteOfRun(runId));
  }
}
