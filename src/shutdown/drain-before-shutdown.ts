/**
 * What the shutdown sequence runs before it closes queues, Redis and the database: a
 * worker provides it (drain its jobs); the API has none. A token, so this shared folder
 * never imports the worker runtime.
 */
export const DRAIN_BEFORE_SHUTDOWN = Symbol('DRAIN_BEFORE_SHUTDOWN');

export interface DrainBeforeShutdown {
  drain(signal?: string): Promise<void>;
}
