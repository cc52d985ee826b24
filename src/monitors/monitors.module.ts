import { Global, Module } from '@nestjs/common';
import { EmailOutboxModule } from '../emails/email-outbox.module';
import { ALERT_CHANNELS_CHECK } from '../schedules/schedule-alerts';
import { AlertChannelTester } from './alert-channel-tester';
import { AlertChannelsController } from './alert-channels.controller';
import { AlertChannelsService } from './alert-channels.service';
import { IncidentStream } from './incident-stream';
import { IncidentsService } from './incidents.service';
import { MonitorsResolver } from './monitors.resolver';
import { ScheduleMonitorController } from './schedule-monitor.controller';

/**
 * API side of monitors: alert channels (and their test sends), a schedule's incidents,
 * stats and live incident events, and the check schedules ask before storing alert rules
 * (ALERT_CHANNELS_CHECK, global, as secrets provide SECRETS_CHECK).
 */
@Global()
@Module({
  imports: [EmailOutboxModule],
  controllers: [AlertChannelsController, ScheduleMonitorController],
  providers: [
    AlertChannelsService,
    AlertChannelTester,
    IncidentsService,
    IncidentStream,
    MonitorsResolver,
    { provide: ALERT_CHANNELS_CHECK, useExisting: AlertChannelsService },
  ],
  exports: [ALERT_CHANNELS_CHECK],
})
export class MonitorsModule {}
