import { AppProcess } from './helpers/app-process';
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
    ['a malformed database URL', { DATABASE_URL: 'mysql://root@localhost/db' }, /^Invalid configuration: DATABASE_URL must be a URL starting with postgres:\/\//],
    ['a malformed IS_WORKER', { IS_WORKER: 'perhaps' }, /^Invalid configuration: IS_WORKER /],
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
});
