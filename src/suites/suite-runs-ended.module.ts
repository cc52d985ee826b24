import { Global, Module } from '@nestjs/common';
import { RUNS_ENDED_HOOK, type RunsEndedHook } from '../runs/runs-ended-hook';
import { SuiteSettler } from './suite-settler';
import { SuiteSettlerModule } from './suite-settler.module';

/**
 * The runs' API-side hooks, as suites answer them: runs of a suite the API ended (a cancel)
 * settle the suite if none of its runs is left in flight. Global so that the runs' module
 * finds the token without importing suites.
 */
@Global()
@Module({
  imports: [SuiteSettlerModule],
  providers: [
    {
      provide: RUNS_ENDED_HOOK,
      inject: [SuiteSettler],
      useFactory: (settler: SuiteSettler): RunsEndedHook => ({
        suiteRunsEnded: (suiteId) => settler.settleIfDone(suiteId),
      }),
    },
  ],
  exports: [RUNS_ENDED_HOOK],
})
export class SuiteRunsEndedModule {}
