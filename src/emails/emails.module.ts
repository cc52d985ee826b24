import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EmailLiveSource } from './email-live-source';
import { EmailTemplates } from './email-templates';
import { Email } from './email.entity';
import { EmailsController } from './emails.controller';
import { EmailsResolver } from './emails.resolver';
import { EmailsService } from './emails.service';

/** API side: accept, validate, render, store and queue emails. */
@Module({
  imports: [TypeOrmModule.forFeature([Email])],
  controllers: [EmailsController],
  providers: [EmailsService, EmailsResolver, EmailTemplates, EmailLiveSource],
  exports: [EmailsService],
})
export class EmailsModule {}
