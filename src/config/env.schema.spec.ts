import { ConfigError, hashTagOf, parseEnv } from './env.schema';

const required = { API_KEYS: 'key-0123456789abcdef', BULL_BOARD_PASSWORD: 'password123' };

describe('parseEnv', () => {
  it('fills every default from the product contract', () => {
    const env = parseEnv(required);
    expect(env).toMatchObject({
      IS_WORKER: false,
      APP_PORT: 3000,
      APP_WORKER_PORT: 3001,
      QUEUE_PREFIX: 'stevedore',
      WORKER_CONCURRENCY: 3,
      SCRAPE_CONCURRENCY: 5,
      EMAIL_CONCURRENCY: 10,
      RUNNING_CAPACITY: 6,
      QUEUED_CAPACITY: 50,
      TEST_EXECUTION_TIMEOUT_MS: 120000,
      MAX_JOB_DURATION: 600000,
      SHUTDOWN_TIMEOUT_MS: 30000,
      DATABASE_CONNECT_TIMEOUT_MS: 30000,
      MEMORY_THRESHOLD: 0.85,
      WORKER_HEAP_GROWING_PERCENT: 20,
      ARTIFACTS_DIR: './storage',
      ALLOWED_PRIVATE_HOSTS: [],
    });
  });

  it('reads types: booleans, numbers and lists', () => {
    const env = parseEnv({
      ...required,
      IS_WORKER: 'true',
      APP_PORT: '8080',
      API_KEYS: 'a-key-0123456789ab, b-key-0123456789ab',
      ALLOWED_PRIVATE_HOSTS: '127.0.0.1,localhost',
    });
    expect(env.IS_WORKER).toBe(true);
    expect(env.APP_PORT).toBe(8080);
    expect(env.API_KEYS).toEqual(['a-key-0123456789ab', 'b-key-0123456789ab']);
    expect(env.ALLOWED_PRIVATE_HOSTS).toEqual(['127.0.0.1', 'localhost']);
  });

  it('treats an empty value as unset', () => {
    expect(parseEnv({ ...required, APP_PORT: '' }).APP_PORT).toBe(3000);
  });

  it.each([
    [{ APP_PORT: 'abc' }, /^Invalid configuration: APP_PORT /],
    [{ APP_PORT: '70000' }, /APP_PORT/],
    [{ IS_WORKER: 'maybe' }, /IS_WORKER/],
    [{ DATABASE_URL: 'mysql://x@y/z' }, /DATABASE_URL must be a URL starting with postgres:\/\//],
    [{ REDIS_URL: 'not a url' }, /REDIS_URL must be a URL/],
    [{ MEMORY_THRESHOLD: '1.5' }, /MEMORY_THRESHOLD/],
    [{ WORKER_HEAP_GROWING_PERCENT: '-5' }, /WORKER_HEAP_GROWING_PERCENT/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ API_KEYS: 'short' }, /API_KEYS.* at least 16 characters/],
    [{ QUEUE_PREFIX: 'has space' }, /QUEUE_PREFIX/],
  ])('names the key of a malformed value %j', (bad, message) => {
    expect(() => parseEnv({ ...required, ...bad })).toThrow(message);
  });

  it('names a missing required key in one line', () => {
    let error: unknown;
    try {
      parseEnv({ BULL_BOARD_PASSWORD: 'password123' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe('Invalid configuration: API_KEYS is required');
  });

  it('accepts a Redis Cluster hash-tag prefix', () => {
    expect(parseEnv({ ...required, QUEUE_PREFIX: '{stevedore}' }).QUEUE_PREFIX).toBe('{stevedore}');
  });
});

describe('parseEnv error messages', () => {
  it('repeats a bad plain value but never a secret one', () => {
    expect(() => parseEnv({ ...required, APP_PORT: 'abc' })).toThrow(
      'APP_PORT must be a whole number from 1 to 65535 (got "abc")',
    );
    for (const [key, value] of [
      ['DATABASE_URL', 'mysql://user:hunter2@db/x'],
      ['REDIS_URL', 'http://:hunter2@redis'],
      ['API_KEYS', 'hunter2'],
      ['BULL_BOARD_PASSWORD', 'hunter2'],
    ]) {
      let message = '';
      try {
        parseEnv({ ...required, [key]: value });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toMatch(new RegExp(`^Invalid configuration: ${key} `));
      expect(message).not.toContain('hunter2');
    }
  });
});

describe('REDIS_CLUSTER_NODES', () => {
  const nodes = '10.0.0.1:7000, redis-b.internal:7001';

  it('is empty by default, and parsed into hosts and ports when set', () => {
    expect(parseEnv(required).REDIS_CLUSTER_NODES).toEqual([]);
    expect(parseEnv({ ...required, REDIS_CLUSTER_NODES: nodes }).REDIS_CLUSTER_NODES).toEqual([
      { host: '10.0.0.1', port: 7000 },
      { host: 'redis-b.internal', port: 7001 },
    ]);
  });

  it.each(['10.0.0.1', 'host:port', '10.0.0.1:70000'])('refuses "%s"', (value) => {
    expect(() => parseEnv({ ...required, REDIS_CLUSTER_NODES: value })).toThrow(/REDIS_CLUSTER_NODES must/);
  });

  it('makes the prefix {stevedore} when none is given', () => {
    expect(parseEnv({ ...required, REDIS_CLUSTER_NODES: nodes }).QUEUE_PREFIX).toBe('{stevedore}');
  });

  it('keeps a given prefix with a hash tag, and refuses one without', () => {
    expect(parseEnv({ ...required, REDIS_CLUSTER_NODES: nodes, QUEUE_PREFIX: 'acme-{q}' }).QUEUE_PREFIX).toBe(
      'acme-{q}',
    );
    for (const prefix of ['stevedore', '{}stevedore', 'steve}dore{'])
      expect(() => parseEnv({ ...required, REDIS_CLUSTER_NODES: nodes, QUEUE_PREFIX: prefix })).toThrow(
        /QUEUE_PREFIX must contain a \{hash tag\} when REDIS_CLUSTER_NODES is set/,
      );
  });
});

describe('hashTagOf', () => {
  it.each([
    ['{stevedore}:fair:runs', 'stevedore'],
    ['a{b}c{d}', 'b'],
    ['{}x{y}', undefined],
    ['plain', undefined],
  ])('%s -> %s', (key, tag) => {
    expect(hashTagOf(key)).toBe(tag);
  });
});
