import { randomUUID } from 'node:crypto';

/** The database the e2e suite uses; global-setup creates and migrates it. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/stevedore_test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const TEST_API_KEY = 'test-key-0123456789abcdef';
export const BOARD_USER = 'board';
export const BOARD_PASSWORD = 'board-password-123';

/** A fresh queue prefix per test file, so suites never see each other's jobs. */
export function uniquePrefix(): string {
  return `stv-test-${randomUUID().slice(0, 8)}`;
}

export function baseEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    DATABASE_URL: TEST_DATABASE_URL,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: uniquePrefix(),
    API_KEYS: `${TEST_API_KEY},second-key-0123456789`,
    BULL_BOARD_USERNAME: BOARD_USER,
    BULL_BOARD_PASSWORD: BOARD_PASSWORD,
    // The e2e files share one database under different queue prefixes: a reconciler would
    // take another file's rows for its own. Its own test turns it on, in a database of its own.
    RECONCILE_INTERVAL_MS: '0',
    // Bounds a draining worker (and the last-resort exit, 15 s later) below AppProcess.stop's 30 s.
    SHUTDOWN_TIMEOUT_MS: '10000',
    ...overrides,
  };
}
