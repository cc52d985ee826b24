import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A schedule can be paused: while paused_at is set it has no job scheduler in Redis, so no
 * tick fires, and the restorer leaves it so; resuming clears it and starts the ticks again.
 */
export class SchedulePause1795400000010 implements MigrationInterface {
  name = 'SchedulePause1795400000010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE schedules ADD COLUMN paused_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE schedules DROP COLUMN paused_at`);
  }
}
