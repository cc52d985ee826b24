import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import type { ScheduleAlerts } from '../../schedules/schedule-alerts';
import type { IncidentKind } from '../incident.entity';
import { type LiveIncident, MonitorRules, type Outcome, type Streaks } from '../monitor-rules';

/** Outcomes judged per pass; a schedule with more waiting is judged again at the next sweep. */
const BATCH = 200;

interface StateRow {
  /** As text: to the microsecond. */
  cursor_at: string | null;
  cursor_id: string | null;
  failing_streak: number;
  passing_streak: number;
  slow_streak: number;
  fast_streak: number;
  judged_started_at: Date | null;
}

interface ScheduleRow {
  project_id: string;
  alerts: ScheduleAlerts | null;
  muted_until: Date | null;
  is_suite: boolean;
}

/** What a pass produced: notifications to queue (not muted), and incidents that changed (for live events). */
export interface Evaluation {
  notificationIds: string[];
  changedIncidents: Array<{ id: string; event: 'opened' | 'resolved' | 'updated' }>;
}

const NOTHING: Evaluation = { notificationIds: [], changedIncidents: [] };

/**
 * Judges a schedule's runs (or suites) that ended since it last looked, in the order they
 * ended (leaving out stale ones, see MonitorRules), in one transaction holding its monitor
 * state: streaks, incidents and one notification row per change and channel are written
 * together with the new cursor, so a crash loses nothing and repeats nothing (the next pass
 * starts from the cursor that was committed). Another worker judging the same schedule at
 * that moment makes this pass a no-op.
 */
@Injectable()
export class MonitorEvaluator {
  constructor(private readonly db: DataSource) {}

  evaluate(scheduleId: string, now = new Date()): Promise<Evaluation> {
    return this.db.transaction(async (m) => {
      const [schedule] = (await m.query(
        `SELECT project_id, alerts, muted_until, suite IS NOT NULL AS is_suite FROM schedules WHERE id = $1`,
        [scheduleId],
      )) as ScheduleRow[];
      if (!schedule?.alerts) return NOTHING;
      await m.query(
        `INSERT INTO monitor_states (schedule_id, project_id) VALUES ($1, $2) ON CONFLICT (schedule_id) DO NOTHING`,
        [scheduleId, schedule.project_id],
      );
      const [state] = (await m.query(
        `SELECT cursor_at::text AS cursor_at, cursor_id, failing_streak, passing_streak, slow_streak, fast_streak,
                judged_started_at FROM monitor_states WHERE schedule_id = $1 FOR UPDATE SKIP LOCKED`,
        [scheduleId],
      )) as StateRow[];
      if (!state) return NOTHING;
      const outcomes = await this.outcomesAfter(m, scheduleId, schedule.is_suite, state);
      const incidents = await this.incidentsInForce(m, scheduleId);
      const streaks: Streaks = {
        failing: state.failing_streak,
        passing: state.passing_streak,
        slow: state.slow_streak,
        fast: state.fast_streak,
        judgedStartedAt: state.judged_started_at && new Date(state.judged_started_at),
      };
      const rules = new MonitorRules(schedule.alerts, streaks, incidents, randomUUID);
      const judged = new Map([...incidents.values()].map((incident) => [incident.id, incident]));
      for (const outcome of outcomes) {
        rules.judge(outcome);
        for (const incident of rules.incidents.values()) judged.set(incident.id, incident);
      }
      rules.settle(now);
      for (const change of rules.changes) judged.set(change.incident.id, change.incident);
      const last = outcomes.at(-1);
      await m.query(
        `UPDATE monitor_states SET cursor_at = $2::timestamptz, cursor_id = $3, failing_streak = $4, passing_streak = $5,
                slow_streak = $6, fast_streak = $7, judged_started_at = $8, updated_at = now() WHERE schedule_id = $1`,
        [
          scheduleId,
          last?.at ?? state.cursor_at,
          last?.id ?? state.cursor_id,
          streaks.failing,
          streaks.passing,
          streaks.slow,
          streaks.fast,
          streaks.judgedStartedAt,
        ],
      );
      const changedIncidents: Evaluation['changedIncidents'] = [];
      for (const incident of judged.values()) {
        if (!incident.changed) continue;
        await this.write(m, scheduleId, schedule.project_id, incident);
        const announced = rules.changes.find((change) => change.incident === incident);
        changedIncidents.push({ id: incident.id, event: announced?.event ?? 'updated' });
      }
      const muted = schedule.muted_until !== null && new Date(schedule.muted_until) > now;
      const notificationIds: string[] = [];
      for (const { incident, event } of rules.changes) {
        for (const channelId of schedule.alerts.channels) {
          const [row] = (await m.query(
            `INSERT INTO alert_notifications (id, project_id, incident_id, channel_id, event, status)
             SELECT $1, $2, $3, c.id, $5, $6 FROM alert_channels c WHERE c.id = $4 AND c.project_id = $2
             ON CONFLICT (incident_id, channel_id, event) DO NOTHING RETURNING id`,
            [randomUUID(), schedule.project_id, incident.id, channelId, event, muted ? 'muted' : 'pending'],
          )) as Array<{ id: string }>;
          if (row && !muted) notificationIds.push(row.id);
        }
      }
      return { notificationIds, changedIncidents };
    });
  }

  /**
   * The outcomes after the cursor, each with its end time as PostgreSQL wrote it (`at`, to the
   * microsecond): a JavaScript Date keeps milliseconds, and a cursor rounded down would find
   * the same run after itself again and judge it twice.
   */
  private async outcomesAfter(
    m: EntityManager,
    scheduleId: string,
    isSuite: boolean,
    state: StateRow,
  ): Promise<Array<Outcome & { at: string }>> {
    // Suites and runs both record status, finished_at, duration_ms and error (JobRow).
    const table = isSuite ? 'suites' : 'runs';
    const rows = (await m.query(
      `SELECT id, status, COALESCE(started_at, finished_at) AS started_at, finished_at, finished_at::text AS at,
              duration_ms, error FROM ${table}
        WHERE schedule_id = $1 AND finished_at IS NOT NULL
          AND (finished_at, id) > ($2::timestamptz, $3::uuid)
        ORDER BY finished_at, id LIMIT ${BATCH}`,
      [scheduleId, state.cursor_at ?? '-infinity', state.cursor_id ?? '00000000-0000-0000-0000-000000000000'],
    )) as Array<{
      id: string;
      status: string;
      started_at: Date;
      finished_at: Date;
      at: string;
      duration_ms: number | null;
      error: string | null;
    }>;
    return rows.map((row) => ({
      at: row.at,
      id: row.id,
      status: row.status,
      startedAt: new Date(row.started_at),
      finishedAt: new Date(row.finished_at),
      durationMs: row.duration_ms,
      error: row.error,
    }));
  }

  private async incidentsInForce(m: EntityManager, scheduleId: string): Promise<Map<IncidentKind, LiveIncident>> {
    const rows = (await m.query(
      `SELECT id, kind, state, opened_at, resolve_due_at, resolved_at, run_ids, last_error
         FROM incidents WHERE schedule_id = $1 AND state <> 'resolved'`,
      [scheduleId],
    )) as Array<{
      id: string;
      kind: IncidentKind;
      state: LiveIncident['state'];
      opened_at: Date;
      resolve_due_at: Date | null;
      resolved_at: Date | null;
      run_ids: string[];
      last_error: string | null;
    }>;
    return new Map(
      rows.map((row) => [
        row.kind,
        {
          id: row.id,
          kind: row.kind,
          state: row.state,
          openedAt: new Date(row.opened_at),
          resolveDueAt: row.resolve_due_at && new Date(row.resolve_due_at),
          resolvedAt: row.resolved_at && new Date(row.resolved_at),
          runIds: [...row.run_ids],
          lastError: row.last_error,
        },
      ]),
    );
  }

  private async write(m: EntityManager, scheduleId: string, projectId: string, incident: LiveIncident): Promise<void> {
    // An incident keeps the last 1000 runs it was judged on: a long outage of a per-second check stays bounded.
    const runIds = incident.runIds.slice(-1000);
    const error = incident.lastError?.slice(0, 4000) ?? null;
    if (incident.isNew) {
      await m.query(
        `INSERT INTO incidents (id, project_id, schedule_id, kind, state, opened_at, resolve_due_at, resolved_at, run_ids, last_error)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          incident.id,
          projectId,
          scheduleId,
          incident.kind,
          incident.state,
          incident.openedAt,
          incident.resolveDueAt,
          incident.resolvedAt,
          runIds,
          error,
        ],
      );
      return;
    }
    await m.query(
      `UPDATE incidents SET state = $2, resolve_due_at = $3, resolved_at = $4, run_ids = $5, last_error = $6, updated_at = now()
        WHERE id = $1`,
      [incident.id, incident.state, incident.resolveDueAt, incident.resolvedAt, runIds, error],
    );
  }
}
