import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The tests of script runs: one row per Playwright test, written as each attempt ends
 * (a retry overwrites its row), with its step tree, errors, console output and the
 * artifacts it kept. Deleted with its run.
 */
export class RunTests1795400000008 implements MigrationInterface {
  name = 'RunTests1795400000008';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE run_tests (
        run_id uuid NOT NULL,
        index int NOT NULL,
        title text NOT NULL,
        describe_path jsonb NOT NULL DEFAULT '[]',
        file text NOT NULL,
        line int NOT NULL,
        "column" int NOT NULL,
        status varchar(16) NOT NULL,
        duration_ms int NOT NULL DEFAULT 0,
        attempts int NOT NULL DEFAULT 0,
        steps jsonb NOT NULL DEFAULT '[]',
        errors jsonb NOT NULL DEFAULT '[]',
        stdout text NOT NULL DEFAULT '',
        stderr text NOT NULL DEFAULT '',
        attachments jsonb NOT NULL DEFAULT '[]',
        CONSTRAINT run_tests_pkey PRIMARY KEY (run_id, index),
        CONSTRAINT run_tests_run_id_fkey FOREIGN KEY (run_id) REFERENCES runs(id) ON DELETE CASCADE
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE run_tests`);
  }
}
