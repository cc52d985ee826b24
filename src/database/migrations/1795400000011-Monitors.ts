import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Monitors: a schedule's alert rules (`schedules.alerts`, muting), reusable alert channels
 * per project, each schedule's monitor state (the last run it has judged, its streaks),
 * incidents, and one notification row per incident state change and channel (its unique
 * key is the idempotency key: a change is never notified twice to one channel).
 */
export class Monitors1795400000011 implements MigrationInterface {
  name = 'Monitors1795400000011';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE schedules ADD COLUMN alerts jsonb, ADD COLUMN muted_until timestamptz`);
    await q.query(`
      CREATE TABLE alert_channels (
        id uuid PRIMARY KEY,
        project_id uuid NOT NULL,
        name varchar(100) NOT NULL,
        type varchar(16) NOT NULL CONSTRAINT alert_channels_type_ck CHECK (type IN ('email', 'webhook', 'slack', 'pagerduty')),
        config jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX alert_channels_name_uq ON alert_channels (project_id, lower(name))`);
    await q.query(
      `CREATE INDEX alert_channels_project_created_idx ON alert_channels (project_id, created_at DESC, id DESC)`,
    );
    await q.query(`
      CREATE TABLE monitor_states (
        schedule_id uuid PRIMARY KEY,
        project_id uuid NOT NULL,
        cursor_at timestamptz,
        cursor_id uuid,
        failing_streak int NOT NULL DEFAULT 0,
        passing_streak int NOT NULL DEFAULT 0,
        slow_streak int NOT NULL DEFAULT 0,
        fast_streak int NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE incidents (
        id uuid PRIMARY KEY,
        project_id uuid NOT NULL,
        schedule_id uuid NOT NULL,
        kind varchar(16) NOT NULL CONSTRAINT incidents_kind_ck CHECK (kind IN ('failing', 'degraded')),
        state varchar(16) NOT NULL CONSTRAINT incidents_state_ck CHECK (state IN ('open', 'recovering', 'resolved')),
        opened_at timestamptz NOT NULL,
        resolve_due_at timestamptz,
        resolved_at timestamptz,
        run_ids uuid[] NOT NULL DEFAULT '{}',
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX incidents_schedule_idx ON incidents (schedule_id, opened_at DESC, id DESC)`);
    // At most one incident of each kind in force per schedule.
    await q.query(
      `CREATE UNIQUE INDEX incidents_in_force_uq ON incidents (schedule_id, kind) WHERE state <> 'resolved'`,
    );
    await q.query(`CREATE INDEX incidents_due_idx ON incidents (resolve_due_at) WHERE state = 'recovering'`);
    await q.query(`
      CREATE TABLE alert_notifications (
        id uuid PRIMARY KEY,
        project_id uuid NOT NULL,
        incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
        channel_id uuid NOT NULL,
        event varchar(16) NOT NULL CONSTRAINT alert_notifications_event_ck CHECK (event IN ('opened', 'resolved')),
        status varchar(16) NOT NULL DEFAULT 'pending'
          CONSTRAINT alert_notifications_status_ck CHECK (status IN ('pending', 'sending', 'delivered', 'failed', 'muted')),
        attempts int NOT NULL DEFAULT 0,
        last_error text,
        status_code int,
        delivered_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE UNIQUE INDEX alert_notifications_once_uq ON alert_notifications (incident_id, channel_id, event)`,
    );
    await q.query(`CREATE INDEX alert_notifications_incident_idx ON alert_notifications (incident_id)`);
    await q.query(
      `CREATE INDEX alert_notifications_pending_idx ON alert_notifications (created_at) WHERE status IN ('pending', 'sending')`,
    );
    // The monitor reads a schedule's ended runs (and suites) in the order they ended.
    await q.query(
      `CREATE INDEX runs_schedule_finished_idx ON runs (schedule_id, finished_at, id) WHERE schedule_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX suites_schedule_finished_idx ON suites (schedule_id, finished_at, id) WHERE schedule_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX suites_schedule_finished_idx`);
    await q.query(`DROP INDEX runs_schedule_finished_idx`);
    await q.query(`DROP TABLE alert_notifications`);
    await q.query(`DROP TABLE incidents`);
    await q.query(`DROP TABLE monitor_states`);
    await q.query(`DROP TABLE alert_channels`);
    await q.query(`ALTER TABLE schedules DROP COLUMN muted_until, DROP COLUMN alerts`);
  }
}
