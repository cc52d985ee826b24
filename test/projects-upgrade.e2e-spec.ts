import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { databaseOptions } from '../src/database/database-options';
import { DEFAULT_PROJECT_ID } from '../src/projects/default-project';
import { AppProcess } from './helpers/app-process';
import { prepareDatabase } from './helpers/database';
import { freePort } from './helpers/free-port';
import { baseEnv, TEST_API_KEY, TEST_DATABASE_URL } from './helpers/test-env';

const MIGRATIONS = join(__dirname, '..', 'dist', 'database', 'migrations');
const OWNED = ['runs', 'suites', 'scrapes', 'emails', 'users', 'schedules', 'secrets', 'dead_letters'];

/**
 * The upgrade to projects: a database as the release before them left it (every migration
 * up to 1795400000008), with rows in it, migrates; its rows are the default project's, and
 * the API_KEYS of before still see and work them.
 */
describe('upgrading a database from before projects', () => {
  const url = Object.assign(new URL(TEST_DATABASE_URL), { pathname: `/stevedore_upgrade_${randomUUID().slice(0, 8)}` });
  let db: Client;
  let api: AppProcess | undefined;
  const ids = { run: randomUUID(), user: randomUUID(), email: randomUUID(), schedule: randomUUID() };

  beforeAll(async () => {
    const admin = new Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${url.pathname.slice(1)}"`);
    await admin.end();
    const before = readdirSync(MIGRATIONS)
      .filter((file) => file.endsWith('.js') && file < '1795400000009')
      .map((file) => join(MIGRATIONS, file));
    const old = new DataSource({ ...databaseOptions(url.toString()), migrations: before, entities: [] });
    await old.initialize();
    await old.runMigrations();
    await old.destroy();

    db = new Client({ connectionString: url.toString() });
    await db.connect();
    // Rows as the release before projects wrote them.
    await db.query(`INSERT INTO users (id, email, name) VALUES ($1, 'ada@example.com', 'Ada')`, [ids.user]);
    await db.query(
      `INSERT INTO emails (id, "to", subject, status, idempotency_key) VALUES ($1, '{ada@example.com}', 'Hi', 'sent', 'welcome-ada')`,
      [ids.email],
    );
    await db.query(
      `INSERT INTO runs (id, name, definition, status, finished_at) VALUES ($1, 'old run', $2, 'passed', now())`,
      [ids.run, { name: 'old run', steps: [{ action: 'goto', url: 'http://127.0.0.1:9/' }] }],
    );
    await db.query(`INSERT INTO schedules (id, name, cron, run) VALUES ($1, 'nightly', '0 3 * * *', $2)`, [
      ids.schedule,
      { name: 'nightly', steps: [{ action: 'goto', url: 'http://127.0.0.1:9/' }] },
    ]);
    await db.query(
      `INSERT INTO secrets (name, ciphertext, iv, auth_tag, key_id) VALUES ('SHOP_PASSWORD', '\\x00', '\\x00', '\\x00', 'k')`,
    );

    await prepareDatabase(url.toString());
    const port = await freePort();
    api = new AppProcess({ env: baseEnv({ APP_PORT: String(port), DATABASE_URL: url.toString() }) });
    await api.waitHealthy(`http://127.0.0.1:${port}/api/health`);
    (api as AppProcess & { base: string }).base = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await api?.stop();
    await db?.end();
    const admin = new Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${url.pathname.slice(1)}" WITH (FORCE)`);
    await admin.end();
  });

  const get = (path: string, key = TEST_API_KEY) =>
    fetch(`${(api as AppProcess & { base: string }).base}${path}`, { headers: { authorization: `Bearer ${key}` } });

  it('puts every row made before into the default project', async () => {
    for (const table of OWNED) {
      const { rows } = await db.query(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE project_id = $1)::int AS own FROM ${table}`,
        [DEFAULT_PROJECT_ID],
      );
      expect([table, rows[0].own]).toEqual([table, rows[0].n]);
    }
    const { rows } = await db.query(`SELECT id, name FROM projects`);
    expect(rows).toEqual([{ id: DEFAULT_PROJECT_ID, name: 'default' }]);
  });

  it('keeps the API_KEYS of before working on what they made', async () => {
    const run = await get(`/api/runs/${ids.run}`);
    expect(run.status).toBe(200);
    expect(await run.json()).toMatchObject({ id: ids.run, name: 'old run', status: 'passed' });
    expect((await get(`/api/users/${ids.user}`)).status).toBe(200);
    expect((await get(`/api/schedules/${ids.schedule}`)).status).toBe(200);
    const secrets = (await (await get('/api/secrets')).json()) as { items: Array<{ name: string }> };
    expect(secrets.items.map((s) => s.name)).toContain('SHOP_PASSWORD');
  });

  it('hides the default project’s rows from a new project', async () => {
    const base = (api as AppProcess & { base: string }).base;
    const post = (path: string, body: unknown, key = TEST_API_KEY) =>
      fetch(`${base}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, string> }));
    const project = await post('/api/projects', { name: 'newcomers' });
    const key = await post(`/api/projects/${project.body.id}/keys`, { name: 'admin', scopes: ['admin'] });
    expect(key.status).toBe(201);
    expect((await get(`/api/runs/${ids.run}`, key.body.key)).status).toBe(404);
    expect((await get(`/api/users/${ids.user}`, key.body.key)).status).toBe(404);
    expect((await get(`/api/schedules/${ids.schedule}`, key.body.key)).status).toBe(404);
    const secrets = (await (await get('/api/secrets', key.body.key)).json()) as { items: unknown[] };
    expect(secrets.items).toEqual([]);
  });
});
