import { AppProcess } from './helpers/app-process';
import { freePort } from './helpers/free-port';
import { baseEnv } from './helpers/test-env';

/** A bad environment stops the real process at start with one line naming the key. */
describe('configuration at start', () => {
  const start = async (env: Record<string, string>) => {
    const proc = new AppProcess({ env });
    try {
      const { code } = await proc.waitExit(20000);
      return { code, output: proc.output.trim() };
    } finally {
      // A process that failed to stop on its own must not outlive the test.
      await proc.stop('SIGKILL').catch(() => undefined);
    }
  };

  it.each([
    ['a malformed port', { APP_PORT: 'three-thousand' }, /^Invalid configuration: APP_PORT /],
    [
      'a malformed database URL',
      { DATABASE_URL: 'mysql://root@localhost/db' },
      /^Invalid configuration: DATABASE_URL must be a URL starting with postgres:\/\//,
    ],
    ['a malformed IS_WORKER', { IS_WORKER: 'perhaps' }, /^Invalid configuration: IS_WORKER /],
    [
      'a Redis Cluster with a prefix that has no hash tag',
      { REDIS_CLUSTER_NODES: '127.0.0.1:7000', QUEUE_PREFIX: 'stevedore' },
      /^Invalid configuration: QUEUE_PREFIX must contain a \{hash tag\} when REDIS_CLUSTER_NODES is set/,
    ],
  ])('exits non-zero on %s', async (_what, bad, message) => {
    const { code, output } = await start(baseEnv(bad));
    expect(code).toBe(1);
    expect(output).toMatch(message);
    expect(output.split('\n')).toHaveLength(1);
  });

  it('exits non-zero when a required key is missing', async () => {
    const env = baseEnv();
    delete (env as Partial<typeof env>).API_KEYS;
    const { code, output } = await start(env);
    expect(code).toBe(1);
    expect(output).toBe('Invalid configuration: API_KEYS is required');
  });

  /** The DATABASE_URL of the tests with one part changed. */
  const databaseUrl = (change: (url: URL) => void) => {
    const url = new URL(baseEnv().DATABASE_URL);
    change(url);
    return url.toString();
  };

  it.each([
    [
      'a database that does not exist',
      databaseUrl((u) => (u.pathname = '/no_such_database')),
      /^Cannot connect to the database \(DATABASE_URL [^)]*\/no_such_database\): database "no_such_database" does not exist$/,
    ],
    [
      'a user that does not exist',
      databaseUrl((u) => ((u.username = 'no_such_user'), (u.password = 'hunter2'))),
      /^Cannot connect to the database \(DATABASE_URL postgres:\/\/no_such_user@[^)]*\): (role "no_such_user" does not exist|password authentication failed for user "no_such_user")$/,
    ],
  ])('exits 1 at once on %s, with one line naming the cause', async (_what, url, line) => {
    const { code, output } = await start(baseEnv({ DATABASE_URL: url }));
    expect(code).toBe(1);
    expect(output).toMatch(line);
    expect(output.split('\n')).toHaveLength(1);
    // The password is never repeated.
    expect(output).not.toContain('hunter2');
  });

  it('retries a refused database for DATABASE_CONNECT_TIMEOUT_MS, one line per attempt, then exits 1 naming the address', async () => {
    const port = await freePort();
    const { code, output } = await start(
      baseEnv({ DATABASE_URL: databaseUrl((u) => (u.port = String(port))), DATABASE_CONNECT_TIMEOUT_MS: '1500' }),
    );
    expect(code).toBe(1);
    const lines = output.split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const retry of lines.slice(0, -1))
      expect(retry).toMatch(
        new RegExp(
          `^Database not reachable yet \\(DATABASE_URL [^)]*\\): connection refused at 127\\.0\\.0\\.1:${port}; attempt \\d+, retrying`,
        ),
      );
    expect(lines.at(-1)).toMatch(
      new RegExp(
        `^Cannot connect to the database \\(DATABASE_URL [^)]*\\): connection refused at 127\\.0\\.0\\.1:${port}$`,
      ),
    );
  });
});
