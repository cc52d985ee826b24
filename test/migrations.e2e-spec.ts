import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { TEST_DATABASE_URL } from './helpers/test-env';

const ROOT = join(__dirname, '..');

/** The migrations (applied by the global setup) and the entities describe the same schema. */
describe('migrations', () => {
  it('leave nothing for migration:generate to do', () => {
    const result = spawnSync(
      process.execPath,
      [
        join(ROOT, 'node_modules/typeorm/cli.js'),
        'migration:generate',
        '--check',
        '--dryrun',
        '-d',
        join(ROOT, 'dist/database/data-source.js'),
        join(ROOT, 'dist', 'unused'),
      ],
      { env: { ...process.env, DATABASE_URL: TEST_DATABASE_URL, NODE_ENV: 'test' }, encoding: 'utf8' },
    );
    expect([
      result.status,
      result.stdout
        .split('\n')
        .filter((l) => !l.startsWith('query'))
        .join('\n')
        .trim(),
    ]).toEqual([0, expect.stringContaining('No changes in database schema were found')]);
  });
});
