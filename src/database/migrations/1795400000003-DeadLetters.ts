import { MigrationInterface, QueryRunner } from 'typeorm';

/** Jobs that failed for good, kept for inspection and replay. */
export class DeadLetters1795400000003 implements MigrationInterface {
  name = 'DeadLetters1795400000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE dead_letters (
        id uuid PRIMARY KEY,
        queue varchar(64) NOT NULL,
        job_id varchar(255) NOT NULL,
        job_name varchar(100) NOT NULL,
        data jsonb NOT NULL,
        error text NOT NULL,
        stack text,
        attempts int NOT NULL,
        failed_at timestamptz NOT NULL DEFAULT now(),
        replayed_at timestamptz
      )`);
    await q.query(`CREATE INDEX dead_letters_failed_idx ON dead_letters (failed_at DESC, id DESC)`);
    // One open dead letter per job, whichever path (the processor's worker, the reconciler) records it.
    await q.query(`CREATE UNIQUE INDEX dead_letters_open_uq ON dead_letters (queue, job_id) WHERE replayed_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE dead_letters`);
  }
}
