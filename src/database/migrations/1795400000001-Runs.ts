import { MigrationInterface, QueryRunner } from 'typeorm';

/** Browser test runs, their step results and their artifact files. */
export class Runs1795400000001 implements MigrationInterface {
  name = 'Runs1795400000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE runs (
        id uuid PRIMARY KEY,
        name varchar(200) NOT NULL,
        definition jsonb NOT NULL,
        status varchar(16) NOT NULL DEFAULT 'queued',
        priority int NOT NULL DEFAULT 5,
        attempt int NOT NULL DEFAULT 0,
        worker varchar(200),
        error text,
        cancel_requested boolean NOT NULL DEFAULT false,
        started_at timestamptz,
        finished_at timestamptz,
        duration_ms int,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT runs_status_ck CHECK (status IN ('queued', 'running', 'passed', 'failed', 'error', 'cancelled', 'timed_out'))
      )`);
    await q.query(`CREATE INDEX runs_created_idx ON runs (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX runs_status_created_idx ON runs (status, created_at DESC, id DESC)`);
    await q.query(`
      CREATE TABLE run_steps (
        run_id uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        index int NOT NULL,
        action varchar(32) NOT NULL,
        target text,
        status varchar(16) NOT NULL,
        duration_ms int NOT NULL,
        error text,
        screenshot varchar(120),
        PRIMARY KEY (run_id, index)
      )`);
    await q.query(`
      CREATE TABLE run_artifacts (
        run_id uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        name varchar(120) NOT NULL,
        kind varchar(16) NOT NULL,
        content_type varchar(100) NOT NULL,
        size_bytes int NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (run_id, name)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE run_artifacts`);
    await q.query(`DROP TABLE run_steps`);
    await q.query(`DROP TABLE runs`);
  }
}
