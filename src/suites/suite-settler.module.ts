import { Module } from '@nestjs/common';
import { EmailOutboxModule } from '../emails/email-outbox.module';
import { SuiteSettler } from './suite-settler';

/** The suite's end, for every place a run's end is recorded: the API's cancel, the reconciler, the suite's parent job. */
@Module({
  imports: [EmailOutboxModule],
  providers: [SuiteSettler],
  exports: [SuiteSettler],
})
export class SuiteSettlerModule {}
