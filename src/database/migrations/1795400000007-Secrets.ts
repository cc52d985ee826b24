import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Secrets a script run injects into its test's environment, encrypted at rest with
 * AES-256-GCM under SECRETS_KEY: the ciphertext, its IV and tag, and which key sealed it.
 */
export class Secrets1795400000007 implements MigrationInterface {
  name = 'Secrets1795400000007';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE secrets (
        name varchar(64) PRIMARY KEY,
        ciphertext bytea NOT NULL,
        iv bytea NOT NULL,
        auth_tag bytea NOT NULL,
        key_id varchar(16) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE secrets`);
  }
}
