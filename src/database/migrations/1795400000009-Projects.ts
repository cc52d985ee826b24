import { MigrationInterface, QueryRunner } from 'typeorm';

/** The project every row made before projects existed moves into; API_KEYS are its admin keys. */
const DEFAULT_PROJECT_ID = '00000000-0000-4000-8000-000000000001';

/** Tables whose rows belong to a project directly (steps, tests, artifacts and pages belong through their parent). */
const OWNED = ['runs', 'suites', 'scrapes', 'emails', 'users', 'schedules', 'secrets', 'dead_letters'];
/** Lists read newest first, now always within one project. */
const LISTED = ['runs', 'suites', 'scrapes', 'emails', 'users', 'schedules'];

/**
 * Projects, their API keys (only a SHA-256 of each key is kept) and the audit log of
 * changes to keys, secrets, schedules and projects. Every owned row gets a project_id;
 * what exists moves into the default project. Uniqueness that was global (a user's
 * email, an email's idempotency key, a secret's name) becomes per project, so one
 * project cannot learn what another stored by colliding with it.
 */
export class Projects1795400000009 implements MigrationInterface {
  name = 'Projects1795400000009';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE projects (
        id uuid PRIMARY KEY,
        name varchar(100) NOT NULL,
        running_limit int,
        queued_limit int,
        rate_per_second int,
        rate_burst int,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX projects_name_uq ON projects (lower(name))`);
    await q.query(`INSERT INTO projects (id, name) VALUES ($1, 'default')`, [DEFAULT_PROJECT_ID]);
    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY,
        project_id uuid NOT NULL,
        name varchar(100) NOT NULL,
        scopes text[] NOT NULL,
        key_hash bytea NOT NULL,
        prefix varchar(16) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX api_keys_hash_uq ON api_keys (key_hash)`);
    await q.query(`CREATE INDEX api_keys_project_idx ON api_keys (project_id, created_at DESC, id DESC)`);
    await q.query(`
      CREATE TABLE audit_events (
        id uuid PRIMARY KEY,
        project_id uuid NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        actor_key_id uuid,
        actor varchar(120) NOT NULL,
        action varchar(64) NOT NULL,
        target varchar(255) NOT NULL,
        details jsonb NOT NULL
      )`);
    await q.query(`CREATE INDEX audit_events_project_idx ON audit_events (project_id, at DESC, id DESC)`);

    for (const table of OWNED) {
      // No foreign key: projects are never deleted, and each owned row is checked against its key's project.
      await q.query(`ALTER TABLE ${table} ADD COLUMN project_id uuid NOT NULL DEFAULT '${DEFAULT_PROJECT_ID}'`);
    }
    for (const table of LISTED) {
      await q.query(`CREATE INDEX ${table}_project_created_idx ON ${table} (project_id, created_at DESC, id DESC)`);
    }
    await q.query(`CREATE INDEX dead_letters_project_failed_idx ON dead_letters (project_id, failed_at DESC, id DESC)`);

    await q.query(`DROP INDEX users_email_lower_uq`);
    await q.query(`CREATE UNIQUE INDEX users_email_lower_uq ON users (project_id, lower(email))`);
    await q.query(`DROP INDEX emails_idempotency_key_uq`);
    await q.query(
      `CREATE UNIQUE INDEX emails_idempotency_key_uq ON emails (project_id, idempotency_key) WHERE idempotency_key IS NOT NULL`,
    );
    await q.query(`ALTER TABLE secrets DROP CONSTRAINT secrets_pkey`);
    await q.query(`ALTER TABLE secrets ADD PRIMARY KEY (project_id, name)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE secrets DROP CONSTRAINT secrets_pkey`);
    await q.query(`ALTER TABLE secrets ADD PRIMARY KEY (name)`);
    await q.query(`DROP INDEX emails_idempotency_key_uq`);
    await q.query(
      `CREATE UNIQUE INDEX emails_idempotency_key_uq ON emails (idempotency_key) WHERE idempotency_key IS NOT NULL`,
    );
    await q.query(`DROP INDEX users_email_lower_uq`);
    await q.query(`CREATE UNIQUE INDEX users_email_lower_uq ON users (lower(email))`);
    await q.query(`DROP INDEX dead_letters_project_failed_idx`);
    for (const table of LISTED) await q.query(`DROP INDEX ${table}_project_created_idx`);
    for (const table of OWNED) await q.query(`ALTER TABLE ${table} DROP COLUMN project_id`);
    await q.query(`DROP TABLE audit_events`);
    await q.query(`DROP TABLE api_keys`);
    await q.query(`DROP TABLE projects`);
  }
}
