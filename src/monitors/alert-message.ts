import type { AlertChannelType } from './alert-channel.entity';
import type { IncidentKind } from './incident.entity';
import type { NotificationEvent } from './alert-notification.entity';

/** Everything a notification says, whatever the channel. */
export interface IncidentNews {
  notificationId: string;
  event: NotificationEvent;
  incidentId: string;
  kind: IncidentKind;
  scheduleId: string;
  scheduleName: string;
  openedAt: Date;
  resolvedAt: Date | null;
  lastError: string | null;
  /** The run (or suite) the change was judged on last. */
  lastRunId: string | null;
  isSuite: boolean;
  publicUrl: string;
}

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

const headline = (news: IncidentNews) =>
  news.event === 'resolved' ? 'RESOLVED' : news.kind === 'degraded' ? 'DEGRADED' : 'FAILING';

export function summaryOf(news: IncidentNews): string {
  const what = news.kind === 'degraded' ? 'is slow' : 'is failing';
  if (news.event === 'resolved')
    return `${news.scheduleName} has recovered (${news.kind === 'degraded' ? 'fast again' : 'passing again'})`;
  return `${news.scheduleName} ${what}${news.lastError ? `: ${news.lastError.split('\n')[0].slice(0, 200)}` : ''}`;
}

export function linksOf(news: IncidentNews): { runUrl: string | null; scheduleUrl: string } {
  const base = news.publicUrl.replace(/\/+$/, '');
  return {
    runUrl: news.lastRunId ? `${base}/${news.isSuite ? 'suites' : 'runs'}/${news.lastRunId}` : null,
    scheduleUrl: `${base}/runs?scheduleId=${news.scheduleId}`,
  };
}

/** The JSON body each HTTP channel type is sent. */
export function httpBody(type: Exclude<AlertChannelType, 'email'>, news: IncidentNews, routingKey?: string): unknown {
  const { runUrl, scheduleUrl } = linksOf(news);
  const summary = summaryOf(news);
  if (type === 'slack') {
    const mark =
      news.event === 'resolved'
        ? ':large_green_circle:'
        : news.kind === 'degraded'
          ? ':large_yellow_circle:'
          : ':red_circle:';
    const link = runUrl ? ` <${runUrl}|Open the run>` : '';
    return { text: `${mark} *${headline(news)}* ${summary}.${link}` };
  }
  if (type === 'pagerduty') {
    return {
      routing_key: routingKey,
      event_action: news.event === 'resolved' ? 'resolve' : 'trigger',
      // One incident is one PagerDuty alert: its trigger and resolve share the key.
      dedup_key: news.incidentId,
      payload: {
        summary: summary.slice(0, 1024),
        source: 'stevedore',
        severity: news.kind === 'degraded' ? 'warning' : 'critical',
        timestamp: (news.resolvedAt ?? news.openedAt).toISOString(),
        component: news.scheduleName,
        custom_details: { scheduleId: news.scheduleId, lastError: news.lastError, lastRunId: news.lastRunId },
      },
      links: [...(runUrl ? [{ href: runUrl, text: 'The run' }] : []), { href: scheduleUrl, text: 'The schedule' }],
    };
  }
  return {
    event: `incident.${news.event}`,
    notificationId: news.notificationId,
    summary,
    incident: {
      id: news.incidentId,
      kind: news.kind,
      state: news.event === 'resolved' ? 'resolved' : 'open',
      openedAt: news.openedAt.toISOString(),
      resolvedAt: news.resolvedAt?.toISOString() ?? null,
      lastError: news.lastError,
      lastRunId: news.lastRunId,
    },
    schedule: { id: news.scheduleId, name: news.scheduleName },
    links: { run: runUrl, schedule: scheduleUrl },
  };
}

/** The variables of the `incident` email template. */
export function emailVariables(news: IncidentNews): Record<string, unknown> {
  const { runUrl, scheduleUrl } = linksOf(news);
  return {
    headline: headline(news),
    summary: summaryOf(news),
    scheduleName: news.scheduleName,
    incidentId: news.incidentId,
    kind: news.kind,
    openedAt: news.openedAt.toISOString(),
    resolvedAt: news.resolvedAt?.toISOString() ?? null,
    lastError: news.lastError,
    runUrl,
    scheduleUrl,
  };
}
