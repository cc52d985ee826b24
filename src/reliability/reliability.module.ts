import { Module } from '@nestjs/common';
import { SuiteSettlerModule } from '../suites/suite-settler.module';
import { DeadLetterRecorder } from './dead-letter-recorder';
import { JobReconciler } from './job-reconciler';

/** Worker side: keeps database rows and queue jobs in agreement, and keeps jobs that failed for good. */
@Module({ imports: [SuiteSettlerModule], providers: [JobReconciler, DeadLetterRecorder] })
export class ReliabilityModule {}
