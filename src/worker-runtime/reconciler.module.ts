import { Module } from '@nestjs/common';
import { DeadLetterRecorder } from './dead-letter-recorder';
import { JobReconciler } from './job-reconciler';

/** Worker side: keeps database rows and queue jobs in agreement, and keeps each job that failed for good as a dead letter. */
@Module({ providers: [JobReconciler, DeadLetterRecorder] })
export class ReconcilerModule {}
