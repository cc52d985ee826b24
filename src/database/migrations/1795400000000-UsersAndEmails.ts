import { MigrationInterface, QueryRunner } from 'typeorm';

/** Users (email unique whatever its case) and emails with their delivery state. */
export class UsersAndEmails1795400000000 implements MigrationInterface {
  name = 'UsersAndEmails1795400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY,
        email varchar(320) NOT NULL,
        name varchar(200) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX users_email_lower_uq ON users (lower(email))`);
    await q.query(`
      CREATE TABLE emails (
        id uuid PRIMARY KEY,
        "to" text[] NOT NULL,
        template varchar(100),
        variables jsonb,
        subject text NOT NULL,
        text text,
        html text,
        status varchar(16) NOT NULL DEFAULT 'queued',
        message_id varchar(255),
        attempts int NOT NULL DEFAULT 0,
        last_error text,
        idempotency_key varchar(255),
        user_id uuid REFERENCES users (id) ON DELETE SET NULL,
        sent_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT emails_status_ck CHECK (status IN ('queued', 'sending', 'sent', 'failed'))
      )`);
    await q.query(
      `CREATE UNIQUE INDEX emails_idempotency_key_uq ON emails (idempotency_key) WHERE idempotency_key IS NOT NULL`,
    );
    await q.query(`CREATE INDEX emails_status_created_idx ON emails (status, created_at)`);
    await q.query(`CREATE INDEX emails_user_idx ON emails (user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE emails`);
    await q.query(`DROP TABLE users`);
  }
}
