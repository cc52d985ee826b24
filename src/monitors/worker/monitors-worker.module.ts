import { Module } from '@nestjs/common';
import { EmailOutboxModule } from '../../emails/email-outbox.module';
import { AlertDelivery } from './alert-delivery';
import { AlertsProcessor } from './alerts.processor';
import { MonitorEvaluator } from './monitor-evaluator';
import { MonitorSweeper } from './monitor-sweeper';

/** Worker side: judge schedules' ended runs into incidents, and deliver each change to its channels. */
@Module({
  imports: [EmailOutboxModule],
  providers: [MonitorEvaluator, MonitorSweeper, AlertDelivery, AlertsProcessor],
})
export class MonitorsWorkerModule {}
