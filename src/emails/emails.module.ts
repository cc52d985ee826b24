import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EmailLiveSource } from './email-live-source';
import { EmailOutboxModule } from './email-outbox.module';
import { Email } from './email.entity';
import { EmailsController } from './emails.controller';
import { EmailsResolver } from './emails.resolver';
import { EmailsService } from './emails.service';

/** API side: accept, validate, render, store and queue emails. */
@Module({
  imports: [TypeOrmModule.forFeature([Email]), EmailOutboxModule],
  controllers: [EmailsController],
  providers: [EmailsService, EmailsResolver, EmailLiveSource],
  exports: [EmailsService],
})
export class EmailsModule {}
