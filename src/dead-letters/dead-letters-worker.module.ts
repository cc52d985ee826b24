import { Module } from '@nestjs/common';
import { DeadLetterRecorder } from './dead-letter-recorder';

/** Worker side: keeps each job that failed for good as a dead letter. */
@Module({ providers: [DeadLetterRecorder] })
export class DeadLettersWorkerModule {}
