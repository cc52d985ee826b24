import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When the newest outcome a monitor judged began: a run that began before it (it looked at
 * the site earlier) but ended after it is stale and must not reopen or resolve an incident.
 */
export class MonitorStaleOutcomes1795400000014 implements MigrationInterface {
  name = 'MonitorStaleOutcomes1795400000014';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE monitor_states ADD COLUMN judged_started_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE monitor_states DROP COLUMN judged_started_at`);
  }
}
