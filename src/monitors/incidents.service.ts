import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type CursorPage, decodeCursor, encodeCursor, pageLimit } from '../http/cursor';
import type { AlertChannelType } from './alert-channel.entity';
import type { NotificationEvent, NotificationStatus } from './alert-notification.entity';
import type { IncidentKind, IncidentState } from './incident.entity';
import type { IncidentView, ScheduleStats } from './monitor-responses';

export const STATS_WINDOWS = { '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 } as const;
export type StatsWindow = keyof typeof STATS_WINDOWS;

interface IncidentRow {
  id: string;
  kind: IncidentKind;
  state: IncidentState;
  opened_at: Date;
  resolve_due_at: Date | null;
  resolved_at: Date | null;
  run_ids: string[];
  last_error: string | null;
}

interface NotificationRow {
  id: string;
  incident_id: string;
  channel_id: string;
  channel_name: string | null;
  channel_type: AlertChannelType | null;
  event: NotificationEvent;
  status: NotificationStatus;
  attempts: number;
  status_code: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  created_at: Date;
}

const INCIDENT_COLUMNS = `id, kind, state, opened_at, resolve_due_at, resolved_at, run_ids, last_error`;

/** Read side of monitors: a schedule's incidents with who was told, and its stats over a window. */
@Injectable()
export class IncidentsService {
  constructor(private readonly db: DataSource) {}

  /** The schedule, if it is `projectId`'s (another project's is not found, as an unknown id). */
  async schedule(id: string, projectId: string): Promise<{ id: string; isSuite: boolean }> {
    const [row] = (await this.db.query(
      `SELECT id, suite IS NOT NULL AS is_suite FROM schedules WHERE id = $1 AND project_id = $2`,
      [id, projectId],
    )) as Array<{ id: string; is_suite: boolean }>;
    if (!row) throw new NotFoundException(`Schedule ${id} not found`);
    return { id: row.id, isSuite: row.is_suite };
  }

  /** Newest first (by when they opened), each with its notifications. */
  async list(
    scheduleId: string,
    projectId: string,
    query: { limit?: number; cursor?: string },
  ): Promise<CursorPage<IncidentView>> {
    await this.schedule(scheduleId, projectId);
    const limit = pageLimit(query.limit);
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    const rows = (await this.db.query(
      `SELECT ${INCIDENT_COLUMNS} FROM incidents
        WHERE schedule_id = $1 AND project_id = $2 ${after ? 'AND (opened_at, id) < ($4::timestamptz, $5::uuid)' : ''}
        ORDER BY opened_at DESC, id DESC LIMIT $3`,
      [scheduleId, projectId, limit + 1, ...(after ? [after.at, after.id] : [])],
    )) as IncidentRow[];
    const items = await this.withNotifications(rows.slice(0, limit));
    const last = items.at(-1);
    return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.openedAt, last.id) : null };
  }

  /** One incident of the schedule as it is now, or undefined when it is gone (retention). */
  async one(scheduleId: string, id: string): Promise<IncidentView | undefined> {
    const rows = (await this.db.query(`SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE id = $1 AND schedule_id = $2`, [
      id,
      scheduleId,
    ])) as IncidentRow[];
    return (await this.withNotifications(rows))[0];
  }

  private async withNotifications(rows: IncidentRow[]): Promise<IncidentView[]> {
    if (!rows.length) return [];
    const notifications = (await this.db.query(
      `SELECT n.id, n.incident_id, n.channel_id, c.name AS channel_name, c.type AS channel_type, n.event, n.status,
              n.attempts, n.status_code, n.last_error, n.delivered_at, n.created_at
         FROM alert_notifications n LEFT JOIN alert_channels c ON c.id = n.channel_id
        WHERE n.incident_id = ANY($1::uuid[])
        ORDER BY n.created_at, n.id`,
      [rows.map((row) => row.id)],
    )) as NotificationRow[];
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      state: row.state,
      openedAt: new Date(row.opened_at),
      resolveDueAt: row.resolve_due_at && new Date(row.resolve_due_at),
      resolvedAt: row.resolved_at && new Date(row.resolved_at),
      runIds: row.run_ids,
      lastError: row.last_error,
      notifications: notifications
        .filter((n) => n.incident_id === row.id)
        .map((n) => ({
          id: n.id,
          channelId: n.channel_id,
          channelName: n.channel_name,
          channelType: n.channel_type,
          event: n.event,
          status: n.status,
          attempts: n.attempts,
          statusCode: n.status_code,
          lastError: n.last_error,
          deliveredAt: n.delivered_at && new Date(n.delivered_at),
          createdAt: new Date(n.created_at),
        })),
    }));
  }

  /**
   * Its runs (a suite schedule's suites) that ended in the window, by outcome; uptime and
   * duration percentiles from them; incidents opened and resolved in the window, and those
   * open now. Counted by the database (runs_schedule_finished_idx), never loaded.
   */
  async stats(scheduleId: string, projectId: string, window: StatsWindow, now = new Date()): Promise<ScheduleStats> {
    const { isSuite } = await this.schedule(scheduleId, projectId);
    const from = new Date(now.getTime() - STATS_WINDOWS[window]);
    const table = isSuite ? 'suites' : 'runs';
    const [runs] = (await this.db.query(
      `SELECT count(*)::int AS total,
              count(*) FILTER (WHERE status = 'passed')::int AS passed,
              count(*) FILTER (WHERE status = 'failed')::int AS failed,
              count(*) FILTER (WHERE status = 'error')::int AS error,
              count(*) FILTER (WHERE status = 'timed_out')::int AS timed_out,
              count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) AS p50,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95
         FROM ${table}
        WHERE schedule_id = $1 AND finished_at IS NOT NULL AND finished_at > $2 AND finished_at <= $3`,
      [scheduleId, from, now],
    )) as Array<
      Record<'total' | 'passed' | 'failed' | 'error' | 'timed_out' | 'cancelled', number> & {
        p50: number | null;
        p95: number | null;
      }
    >;
    const [incidents] = (await this.db.query(
      `SELECT count(*) FILTER (WHERE opened_at > $2 AND opened_at <= $3)::int AS opened,
              count(*) FILTER (WHERE resolved_at > $2 AND resolved_at <= $3)::int AS resolved,
              count(*) FILTER (WHERE state <> 'resolved')::int AS open
         FROM incidents WHERE schedule_id = $1`,
      [scheduleId, from, now],
    )) as Array<{ opened: number; resolved: number; open: number }>;
    const judged = runs.passed + runs.failed + runs.error + runs.timed_out;
    const round = (value: number | null) => (value === null ? null : Math.round(Number(value)));
    return {
      window,
      from,
      to: now,
      runs: {
        total: runs.total,
        passed: runs.passed,
        failed: runs.failed,
        error: runs.error,
        timed_out: runs.timed_out,
        cancelled: runs.cancelled,
      },
      uptimePercent: judged === 0 ? null : Math.round((runs.passed / judged) * 100_000) / 1000,
      durationMs: { p50: round(runs.p50), p95: round(runs.p95) },
      incidents,
    };
  }
}
