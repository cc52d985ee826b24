import { Module } from '@nestjs/common';
import { JobReconciler } from './job-reconciler';

/** Worker side: keeps database rows and queue jobs in agreement. */
@Module({ providers: [JobReconciler] })
export class ReconcilerModule {}
