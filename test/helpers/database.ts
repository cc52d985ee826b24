import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';

const ROOT = join(__dirname, '..', '..');

/**
 * Creates the database at `url` if needed (or afresh, with `fresh`) and brings it to the
 * latest migration, as `pnpm migration:run` does.
 */
export async function prepareDatabase(url: string, { fresh = false } = {}): Promise<void> {
  const parsed = new URL(url);
  const name = parsed.pathname.slice(1).replace(/"/g, '""');
  const admin = new Client({ connectionString: Object.assign(new URL(parsed), { pathname: '/postgres' }).toString() });
  await admin.connect();
  try {
    if (fresh) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [parsed.pathname.slice(1)]);
    if (!rowCount) await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  try {
    execFileSync(
      process.execPath,
      [
        join(ROOT, 'node_modules', 'typeorm', 'cli.js'),
        'migration:run',
        '-d',
        join(ROOT, 'dist', 'database', 'data-source.js'),
      ],
      {
        env: { ...process.env, DATABASE_URL: url, NODE_ENV: 'test' },
        stdio: 'pipe',
      },
    );
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`migration:run failed:\n${stdout?.toString() ?? ''}${stderr?.toString() ?? ''}`, { cause: error });
  }
}
