import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SettleSuiteWhenRunEnds } from './settle-suite-when-run-ends';
import { Suite } from './suite.entity';
import { SuiteFinisher } from './suite-finisher';
import { SuiteProgress } from './suite-progress';
import { SuiteSettlerModule } from './suite-settler.module';
import { SuitesProcessor } from './suites.processor';
import { WebhookDelivery } from './webhook-delivery';
import { WebhooksProcessor } from './webhooks.processor';

/**
 * Worker side: the suite's end (parent job), its webhook, and the progress hooks the run
 * executor calls as a suite's runs start and end (exported to the runs' worker module), and
 * the suite's end when the reconciler ends one of its runs.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Suite]), SuiteSettlerModule],
  providers: [
    SuitesProcessor,
    SuiteFinisher,
    SuiteProgress,
    WebhooksProcessor,
    WebhookDelivery,
    SettleSuiteWhenRunEnds,
  ],
  exports: [SuiteProgress],
})
export class SuitesWorkerModule {}
