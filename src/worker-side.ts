import type { Type } from '@nestjs/common';
import { EmailsWorkerModule } from './emails/worker/emails-worker.module';
import { MonitorsWorkerModule } from './monitors/worker/monitors-worker.module';
import { RunsWorkerModule } from './runs/worker/runs-worker.module';
import { SchedulesWorkerModule } from './schedules/worker/schedules-worker.module';
import { ScrapesWorkerModule } from './scrapes/worker/scrapes-worker.module';
import { SuitesWorkerModule } from './suites/worker/suites-worker.module';
import { ReconcilerModule } from './worker-runtime/reconciler.module';
import { WorkerRuntimeModule } from './worker-runtime/worker-runtime.module';

/** What only a worker loads: its runtime (start, drain, health), the row/job reconciler, and each feature's processors (schedule ticks too). */
export const WORKER_MODULES: Type[] = [
  WorkerRuntimeModule,
  ReconcilerModule,
  EmailsWorkerModule,
  RunsWorkerModule,
  ScrapesWorkerModule,
  SchedulesWorkerModule,
  SuitesWorkerModule,
  MonitorsWorkerModule,
];
