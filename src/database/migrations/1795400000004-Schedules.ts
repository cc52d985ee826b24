import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cron schedules that queue a run on each tick (BullMQ job schedulers do the timing; this
 * table is the lasting record they are restored from). A run remembers its schedule.
 */
export class Schedules1795400000004 implements MigrationInterface {
  name = 'Schedules1795400000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE schedules (
        id uuid PRIMARY KEY,
        name varchar(200) NOT NULL,
        cron varchar(200) NOT NULL,
        timezone varchar(64) NOT NULL DEFAULT 'UTC',
        run jsonb NOT NULL,
        last_run_id uuid,
        last_tick_at timestamptz,
        runs_queued int NOT NULL DEFAULT 0,
        ticks_skipped int NOT NULL DEFAULT 0,
        last_skip_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX schedules_created_idx ON schedules (created_at DESC, id DESC)`);
    // No foreign key: deleting a schedule keeps the runs it queued (and their schedule id).
    await q.query(`ALTER TABLE runs ADD COLUMN schedule_id uuid`);
    await q.query(
      `CREATE INDEX runs_schedule_idx ON runs (schedule_id, created_at DESC) WHERE schedule_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX runs_schedule_idx`);
    await q.query(`ALTER TABLE runs DROP COLUMN schedule_id`);
    await q.query(`DROP TABLE schedules`);
  }
}
