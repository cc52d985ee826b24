import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { timingSafeEqual } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.service';
import { closeRedis } from '../redis/close-redis';
import { RedisConnectionFactory } from '../redis/redis-connection.factory';
import { REDIS } from '../redis/redis.module';
import { DEFAULT_PROJECT_ID } from './default-project';
import { hashApiKey, KEY_PREFIX } from './key-material';
import type { Principal } from './principal';
import { SCOPES, type Scope } from './scopes';
import { matchingSecretIndex } from '../auth/secret-compare';

/**
 * How long a key found in the database is trusted without asking again. Revocation does
 * not wait for it (every instance drops the key on the revocation message); it bounds how
 * long a message lost with a Redis disconnect could leave a revoked key working.
 */
const CACHE_MS = 10_000;
/** last_used_at is written at most this often per key and instance: a request is not a write. */
const LAST_USED_EVERY_MS = 60_000;
const CACHE_MAX = 10_000;

export const revokedKeysChannel = (prefix: string) => `${prefix}:api-keys:revoked`;

interface KeyRow {
  id: string;
  project_id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  key_hash: Buffer;
}

/**
 * Turns a presented API key into a Principal. A key from API_KEYS (compared in constant
 * time) is a bootstrap admin of the default project; any other key is looked up by its
 * SHA-256 among the project keys not revoked, and kept for CACHE_MS. Revoking publishes the
 * key's hash, and every API instance drops it at once.
 */
const bootstrapPrincipal = (index: number): Principal => ({
  projectId: DEFAULT_PROJECT_ID,
  keyId: null,
  actor: `bootstrap key ${index + 1} (API_KEYS)`,
  scopes: SCOPES,
  bootstrap: true,
});

@Injectable()
export class KeyDirectory implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(KeyDirectory.name);
  private readonly cache = new Map<string, { principal: Principal; until: number }>();
  private readonly lastUsedWritten = new Map<string, number>();
  private readonly revocationListeners = new Set<(keyId: string) => void>();
  private subscriber?: Redis;
  private readonly channel: string;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly connections: RedisConnectionFactory,
    @Inject(REDIS) private readonly redis: Redis,
  ) {
    this.channel = revokedKeysChannel(config.env.QUEUE_PREFIX);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.subscriber = this.connections.create('api-keys', { enableOfflineQueue: true, maxRetriesPerRequest: null });
    this.subscriber.on('message', (_channel: string, message: string) => {
      const [hash, keyId] = message.split(':');
      this.cache.delete(hash);
      if (keyId) this.revocationListeners.forEach((listener) => listener(keyId));
    });
    // Messages sent while disconnected are lost: after a reconnect, nothing cached is trusted.
    this.subscriber.on('ready', () => this.cache.clear());
    void this.subscriber
      .subscribe(this.channel)
      .catch((err: unknown) =>
        this.logger.warn({ err }, 'Could not listen for revoked keys; cached keys expire on their own'),
      );
  }

  async onApplicationShutdown(): Promise<void> {
    await closeRedis(this.subscriber);
  }

  /** The principal a key acts as, or undefined when it is no key of this deployment. */
  async resolve(key: string): Promise<Principal | undefined> {
    const bootstrap = matchingSecretIndex(key, this.config.env.API_KEYS);
    if (bootstrap >= 0) return bootstrapPrincipal(bootstrap);
    // Not shaped like a project key: no need to ask the database.
    if (!key.startsWith(KEY_PREFIX) || key.length > 100) return undefined;
    return this.resolveProjectKey(hashApiKey(key));
  }

  /**
   * The principal of a key known only by its SHA-256 (what a dashboard session keeps, never
   * the key): a bootstrap key still in API_KEYS, or a project key not revoked. A key taken out
   * of API_KEYS or revoked is undefined, so whatever holds its hash ends with it.
   */
  async resolveHash(hash: Buffer, bootstrap: boolean): Promise<Principal | undefined> {
    if (!bootstrap) return this.resolveProjectKey(hash);
    const index = matchingSecretIndex(
      hash.toString('hex'),
      this.config.env.API_KEYS.map((key) => hashApiKey(key).toString('hex')),
    );
    return index >= 0 ? bootstrapPrincipal(index) : undefined;
  }

  private async resolveProjectKey(hash: Buffer): Promise<Principal | undefined> {
    const cacheKey = hash.toString('hex');
    const cached = this.cache.get(cacheKey);
    if (cached && cached.until > Date.now()) return this.used(cached.principal);
    const [row] = (await this.dataSource.query(
      `SELECT id, project_id, name, prefix, scopes, key_hash FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL`,
      [hash],
    )) as KeyRow[];
    if (!row || !timingSafeEqual(row.key_hash, hash)) {
      this.cache.delete(cacheKey);
      return undefined;
    }
    const principal: Principal = {
      projectId: row.project_id,
      keyId: row.id,
      actor: `key ${row.name} (${row.prefix}…)`,
      scopes: row.scopes,
      bootstrap: false,
    };
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(cacheKey, { principal, until: Date.now() + CACHE_MS });
    return this.used(principal);
  }

  /** A project key that is not revoked, by id: its stored hash (what signs its event tokens) and project. */
  async activeKey(keyId: string): Promise<{ hash: Buffer; projectId: string } | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(keyId)) return undefined;
    const [row] = (await this.dataSource.query(
      `SELECT key_hash, project_id FROM api_keys WHERE id = $1 AND revoked_at IS NULL`,
      [keyId],
    )) as Array<{ key_hash: Buffer; project_id: string }>;
    return row && { hash: row.key_hash, projectId: row.project_id };
  }

  /** Drops a revoked key here and, through Redis, on every API instance (this one included, through the same message). */
  async revoked(keyId: string, hash: Buffer): Promise<void> {
    const hex = hash.toString('hex');
    this.cache.delete(hex);
    await this.redis.publish(this.channel, `${hex}:${keyId}`);
  }

  /** Calls `listener` with the id of each key revoked anywhere: long-lived connections close on it. */
  onRevoked(listener: (keyId: string) => void): () => void {
    this.revocationListeners.add(listener);
    return () => this.revocationListeners.delete(listener);
  }

  private used(principal: Principal): Principal {
    const keyId = principal.keyId as string;
    const now = Date.now();
    if ((this.lastUsedWritten.get(keyId) ?? 0) + LAST_USED_EVERY_MS <= now) {
      this.lastUsedWritten.set(keyId, now);
      if (this.lastUsedWritten.size > CACHE_MAX) this.lastUsedWritten.clear();
      void this.dataSource
        .query(`UPDATE api_keys SET last_used_at = now() WHERE id = $1`, [keyId])
        .catch((err: unknown) => this.logger.warn({ err, keyId }, 'Could not record when a key was last used'));
    }
    return principal;
  }
}
