import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Email } from '../email.entity';
import { EmailSender } from './email-sender';
import { EmailsProcessor } from './emails.processor';

/** Worker side: the emails processor and the sender behind it. */
@Module({
  imports: [TypeOrmModule.forFeature([Email])],
  providers: [EmailsProcessor, EmailSender],
})
export class EmailsWorkerModule {}
