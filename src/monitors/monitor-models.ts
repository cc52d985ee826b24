import { Field, Float, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import { pageModel } from '../graphql/page-model';

/** GraphQL's types of the monitor answers: the same fields as the REST bodies (monitor-responses.ts). */

@ObjectType('AlertChannel', { description: 'Where incidents of the schedules that name it are told' })
export class AlertChannelModel {
  @Field(() => ID, { description: "The channel's id (name it in a schedule's alerts.channels)" }) id: string;
  @Field({ description: 'Its name, unique in the project' }) name: string;
  @Field({ description: 'email, webhook, slack or pagerduty' }) type: string;
  @Field({
    description: 'Where it sends: a Slack URL without its path, a PagerDuty routing key by its last four characters',
  })
  target: string;
  @Field(() => GraphQLISODateTime, { description: 'When it was made' }) createdAt: Date;
  @Field(() => GraphQLISODateTime, { description: 'When it last changed' }) updatedAt: Date;
}

export const AlertChannelPageModel = pageModel(
  AlertChannelModel,
  'AlertChannelPage',
  "One page of the project's alert channels, newest first",
  'The alert channels on this page',
);

@ObjectType('AlertChannelTest', { description: 'The outcome of a test send' })
export class AlertChannelTestModel {
  @Field({ description: 'HTTP channels: the receiver answered 2xx; email: queued' }) delivered: boolean;
  @Field(() => Int, { nullable: true, description: "The receiver's HTTP status" }) statusCode?: number;
  @Field(() => String, { nullable: true, description: 'Why it was not delivered' }) error?: string;
  @Field(() => ID, { nullable: true, description: 'email: the test email' }) emailId?: string;
}

@ObjectType('AlertNotification', { description: 'One incident change told to one channel' })
export class AlertNotificationModel {
  @Field(() => ID, { description: 'Also the x-stevedore-delivery header' }) id: string;
  @Field(() => ID, { description: 'The channel it was for' }) channelId: string;
  @Field(() => String, { nullable: true, description: 'null: the channel was deleted' }) channelName: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'email, webhook, slack or pagerduty; null: the channel was deleted',
  })
  channelType: string | null;
  @Field({ description: 'opened or resolved' }) event: string;
  @Field({ description: 'pending, sending, delivered, failed or muted' }) status: string;
  @Field(() => Int, { description: 'Sends tried so far' }) attempts: number;
  @Field(() => Int, { nullable: true, description: "HTTP channels: the receiver's last status" }) statusCode:
    number | null;
  @Field(() => String, { nullable: true, description: 'Why the last attempt failed' }) lastError: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When it was delivered' }) deliveredAt: Date | null;
  @Field(() => GraphQLISODateTime, { description: 'When the change was stored' }) createdAt: Date;
}

@ObjectType('Incident', { description: "One outage (failing) or slow spell (degraded) of a schedule's check" })
export class IncidentModel {
  @Field(() => ID, { description: "Also PagerDuty's dedup_key" }) id: string;
  @Field({ description: 'failing or degraded' }) kind: string;
  @Field({ description: 'open, recovering or resolved' }) state: string;
  @Field(() => GraphQLISODateTime, { description: 'When the run that opened it ended' }) openedAt: Date;
  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'While recovering: when it resolves unless a run fails',
  })
  resolveDueAt: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When it resolved' }) resolvedAt: Date | null;
  @Field(() => [ID], { description: 'The runs (or suites) it was judged on' }) runIds: string[];
  @Field(() => String, { nullable: true, description: "The last failing run's error (degraded: how slow it was)" })
  lastError: string | null;
  @Field(() => [AlertNotificationModel], { description: 'Each change told to each channel' })
  notifications: AlertNotificationModel[];
}

export const IncidentPageModel = pageModel(
  IncidentModel,
  'IncidentPage',
  "One page of a schedule's incidents, newest first",
  'The incidents on this page',
);

@ObjectType('ScheduleRunCounts', { description: 'Runs (or suites) that ended in the window, by outcome' })
export class ScheduleRunCountsModel {
  @Field(() => Int, { description: 'All that ended' }) total: number;
  @Field(() => Int, { description: 'Passed' }) passed: number;
  @Field(() => Int, { description: 'Failed' }) failed: number;
  @Field(() => Int, { description: 'Ended in error' }) error: number;
  @Field(() => Int, { description: 'Timed out' }) timed_out: number;
  @Field(() => Int, { description: 'Cancelled' }) cancelled: number;
}

@ObjectType('DurationPercentiles', { description: 'Of the ended runs with a duration, in ms; null when none' })
export class DurationPercentilesModel {
  @Field(() => Int, { nullable: true, description: 'Median duration, ms' }) p50: number | null;
  @Field(() => Int, { nullable: true, description: '95th percentile duration, ms' }) p95: number | null;
}

@ObjectType('ScheduleIncidentCounts', { description: 'Incidents opened and resolved in the window, and open now' })
export class ScheduleIncidentCountsModel {
  @Field(() => Int, { description: 'Opened in the window' }) opened: number;
  @Field(() => Int, { description: 'Resolved in the window' }) resolved: number;
  @Field(() => Int, { description: 'Not resolved now' }) open: number;
}

@ObjectType('ScheduleStats', { description: "A schedule's runs, uptime, speed and incidents over a window" })
export class ScheduleStatsModel {
  @Field({ description: '24h, 7d or 30d' }) window: string;
  @Field(() => GraphQLISODateTime, { description: 'Start of the window' }) from: Date;
  @Field(() => GraphQLISODateTime, { description: 'End of the window (now)' }) to: Date;
  @Field(() => ScheduleRunCountsModel, {
    description: 'Runs (suites, for a suite schedule) that ended in the window, by outcome',
  })
  runs: ScheduleRunCountsModel;
  @Field(() => Float, { nullable: true, description: 'passed / (passed + failed + error + timed_out) × 100' })
  uptimePercent: number | null;
  @Field(() => DurationPercentilesModel, { description: 'Duration percentiles of the ended runs' })
  durationMs: DurationPercentilesModel;
  @Field(() => ScheduleIncidentCountsModel, { description: 'Its incidents' }) incidents: ScheduleIncidentCountsModel;
}
