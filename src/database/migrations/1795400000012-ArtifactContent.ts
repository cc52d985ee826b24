import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A run artifact's content hash and where its bytes are in the artifact store: with object
 * storage identical files (the same screenshot in every run of a suite) are one object,
 * `blobs/sha256/<hash>`, shared by the runs' rows. NULL object_key: `runs/<run id>/<name>`,
 * where every file was before.
 */
export class ArtifactContent1795400000012 implements MigrationInterface {
  name = 'ArtifactContent1795400000012';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE run_artifacts ADD COLUMN sha256 char(64), ADD COLUMN object_key varchar(200)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE run_artifacts DROP COLUMN sha256, DROP COLUMN object_key`);
  }
}
