import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SettleSuiteWhenRunEnds } from './settle-suite-when-run-ends';
import { RUN_HOOKS } from '../../runs/worker/run-hooks';
import { Suite } from '../suite.entity';
import { SuiteFinisher } from './suite-finisher';
import { SuiteProgress } from './suite-progress';
import { SuiteRunHooks } from './suite-run-hooks';
import { SuiteSettlerModule } from '../suite-settler.module';
import { SuitesProcessor } from './suites.processor';
import { WebhookDelivery } from './webhook-delivery';
import { WebhooksProcessor } from './webhooks.processor';

/**
 * Worker side: the suite's end (parent job), its webhook, and the run hooks the run
 * executor calls as a suite's runs are claimed, start and end. Global so that the runs'
 * worker module gets RUN_HOOKS without importing suites (its only export). It also
 * settles a suite when the reconciler ends one of its runs.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Suite]), SuiteSettlerModule],
  providers: [
    SuitesProcessor,
    SuiteFinisher,
    SuiteProgress,
    WebhooksProcessor,
    WebhookDelivery,
    SettleSuiteWhenRunEnds,
    { provide: RUN_HOOKS, useClass: SuiteRunHooks },
  ],
  exports: [RUN_HOOKS],
})
export class SuitesWorkerModule {}
