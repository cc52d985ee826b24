import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Suites: many tests run as one job (a BullMQ flow whose children are ordinary runs).
 * The suite keeps the aggregate (status, counts, timings) and its notification targets;
 * each test is a row in `runs` that points back at its suite, in the suite's order.
 * Schedules may now queue a suite instead of a single run.
 */
export class Suites1795400000005 implements MigrationInterface {
  name = 'Suites1795400000005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE suites (
        id uuid PRIMARY KEY,
        name varchar(200) NOT NULL,
        status varchar(16) NOT NULL DEFAULT 'queued',
        priority int NOT NULL DEFAULT 5,
        concurrency int,
        notify text[] NOT NULL DEFAULT '{}',
        webhook_url text,
        webhook_status varchar(16),
        webhook_error text,
        total int NOT NULL,
        passed int NOT NULL DEFAULT 0,
        failed int NOT NULL DEFAULT 0,
        errored int NOT NULL DEFAULT 0,
        cancelled int NOT NULL DEFAULT 0,
        attempt int NOT NULL DEFAULT 0,
        worker varchar(200),
        error text,
        cancel_requested boolean NOT NULL DEFAULT false,
        schedule_id uuid,
        started_at timestamptz,
        finished_at timestamptz,
        duration_ms int,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT suites_status_ck CHECK (status IN ('queued', 'running', 'passed', 'failed', 'error', 'cancelled')),
        CONSTRAINT suites_webhook_status_ck CHECK (webhook_status IN ('pending', 'delivered', 'failed'))
      )`);
    await q.query(`CREATE INDEX suites_created_idx ON suites (created_at DESC, id DESC)`);
    await q.query(
      `CREATE INDEX suites_schedule_idx ON suites (schedule_id, created_at DESC) WHERE schedule_id IS NOT NULL`,
    );
    // Like schedule_id, no foreign key: the runs table stays free of locks on suites.
    await q.query(`ALTER TABLE runs ADD COLUMN suite_id uuid, ADD COLUMN suite_index int`);
    await q.query(`CREATE INDEX runs_suite_idx ON runs (suite_id, suite_index) WHERE suite_id IS NOT NULL`);
    await q.query(
      `ALTER TABLE schedules ALTER COLUMN run DROP NOT NULL, ADD COLUMN suite jsonb, ADD COLUMN last_suite_id uuid`,
    );
    await q.query(`ALTER TABLE schedules ADD CONSTRAINT schedules_target_ck CHECK ((run IS NULL) <> (suite IS NULL))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM schedules WHERE run IS NULL`);
    await q.query(`ALTER TABLE schedules DROP CONSTRAINT schedules_target_ck`);
    await q.query(`ALTER TABLE schedules DROP COLUMN last_suite_id, DROP COLUMN suite, ALTER COLUMN run SET NOT NULL`);
    await q.query(`DROP INDEX runs_suite_idx`);
    await q.query(`ALTER TABLE runs DROP COLUMN suite_index, DROP COLUMN suite_id`);
    await q.query(`DROP TABLE suites`);
  }
}
