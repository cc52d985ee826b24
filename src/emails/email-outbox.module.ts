import { Module } from '@nestjs/common';
import { EmailOutbox } from './email-outbox';
import { EmailTemplates } from './email-templates';

/** Templated email for other features (users, suites), on either side: no routes, so a worker may load it. */
@Module({
  providers: [EmailOutbox, EmailTemplates],
  exports: [EmailOutbox, EmailTemplates],
})
export class EmailOutboxModule {}
