import { Module } from '@nestjs/common';
import { SuiteSettlerModule } from '../suites/suite-settler.module';
import { JobReconciler } from './job-reconciler';

/** Worker side: keeps database rows and queue jobs in agreement. */
@Module({ imports: [SuiteSettlerModule], providers: [JobReconciler] })
export class ReconcilerModule {}
