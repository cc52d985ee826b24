import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { envSchema, parseEnv } from './env.schema';

/** `.env.example` is the documentation of the configuration: it must stay complete and valid. */
describe('.env.example', () => {
  const text = readFileSync(join(__dirname, '..', '..', '.env.example'), 'utf8');
  const entries = text
    .split('\n')
    .filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const);

  it('lists every key the app reads, each once, with a comment above it', () => {
    const keys = entries.map(([key]) => key);
    // NODE_APP_INSTANCE is set by pm2, never by hand.
    const expected = Object.keys(envSchema.shape).filter((key) => key !== 'NODE_APP_INSTANCE');
    expect([...keys].sort()).toEqual([...expected].sort());
    const lines = text.split('\n');
    for (const key of keys) {
      const index = lines.findIndex((line) => line.startsWith(`${key}=`));
      expect([key, lines[index - 1].startsWith('#')]).toEqual([key, true]);
    }
  });

  it('is a valid configuration as it stands', () => {
    expect(() => parseEnv(Object.fromEntries(entries))).not.toThrow();
  });

  it('shows the product defaults', () => {
    const values = Object.fromEntries(entries);
    const defaults = parseEnv({ API_KEYS: values.API_KEYS, BULL_BOARD_PASSWORD: values.BULL_BOARD_PASSWORD });
    expect(parseEnv(values)).toEqual({ ...defaults, NODE_ENV: 'development' });
  });
});
