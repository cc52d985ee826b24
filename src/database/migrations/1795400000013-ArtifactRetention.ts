import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * ARTIFACT_RETENTION_DAYS: when a run's artifacts were removed (the run's row stays, so its
 * downloads can say they expired rather than that there never were any), an index for the
 * sweep to find ended runs that still have theirs, oldest first, and one to find whether any
 * row still names a content object before the object is deleted.
 */
export class ArtifactRetention1795400000013 implements MigrationInterface {
  name = 'ArtifactRetention1795400000013';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE runs ADD COLUMN artifacts_expired_at timestamptz`);
    await q.query(
      `CREATE INDEX runs_artifacts_kept_idx ON runs (finished_at, id) WHERE artifacts_expired_at IS NULL AND finished_at IS NOT NULL`,
    );
    await q.query(`CREATE INDEX run_artifacts_sha256_idx ON run_artifacts (sha256) WHERE sha256 IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX run_artifacts_sha256_idx`);
    await q.query(`DROP INDEX runs_artifacts_kept_idx`);
    await q.query(`ALTER TABLE runs DROP COLUMN artifacts_expired_at`);
  }
}
