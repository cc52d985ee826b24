import { Module } from '@nestjs/common';
import { EmailTemplates } from '../emails/email-templates';
import { SuiteSettler } from './suite-settler';

/** The suite's end, for every place a run's end is recorded: the API's cancel, the reconciler, the suite's parent job. */
@Module({
  providers: [SuiteSettler, EmailTemplates],
  exports: [SuiteSettler],
})
export class SuiteSettlerModule {}
