import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../../config/app-config.service';
import { KeyDirectory } from '../../projects/key-directory';
import { hashApiKey } from '../../projects/key-material';
import type { Principal } from '../../projects/principal';
import { REDIS } from '../../redis/redis.module';

/** What Redis keeps of a session: never the key, only its SHA-256 (what it is looked up by). */
interface SessionRecord {
  keyHash: string;
  bootstrap: boolean;
  csrf: string;
  expiresAt: number;
}

export interface Session {
  principal: Principal;
  /** Sent back in x-csrf-token on every change the page makes. */
  csrfToken: string;
  expiresAt: Date;
}

export interface NewSession extends Session {
  id: string;
}

/**
 * Dashboard sessions in Redis, so that every API instance knows them and a restart keeps
 * them. The session id is 256 random bits; Redis holds it hashed, so a dump of Redis holds
 * no cookie. Each use resolves the key's hash again through KeyDirectory: a key revoked (or
 * taken out of API_KEYS) ends every session signed in with it, on every instance, within the
 * time KeyDirectory takes to drop it (at once through its revocation message).
 */
@Injectable()
export class SessionStore {
  private readonly prefix: string;
  readonly ttlMs: number;

  constructor(
    config: AppConfig,
    private readonly keys: KeyDirectory,
    @Inject(REDIS) private readonly redis: Redis,
  ) {
    this.prefix = `${config.env.QUEUE_PREFIX}:session:`;
    this.ttlMs = config.env.SESSION_TTL_HOURS * 3_600_000;
  }

  /** Signs in with a key: the new session, or undefined when the key is no key of this deployment. */
  async create(key: string): Promise<NewSession | undefined> {
    const principal = await this.keys.resolve(key);
    if (!principal) return undefined;
    const id = randomBytes(32).toString('base64url');
    const record: SessionRecord = {
      keyHash: hashApiKey(key).toString('hex'),
      bootstrap: principal.bootstrap,
      csrf: randomBytes(24).toString('base64url'),
      expiresAt: Date.now() + this.ttlMs,
    };
    await this.redis.set(this.redisKey(id), JSON.stringify(record), 'PX', this.ttlMs);
    return { id, principal, csrfToken: record.csrf, expiresAt: new Date(record.expiresAt) };
  }

  /** The live session of a cookie's id; a session whose key is gone is ended here. */
  async find(id: string): Promise<Session | undefined> {
    const raw = await this.redis.get(this.redisKey(id));
    if (!raw) return undefined;
    const record = JSON.parse(raw) as SessionRecord;
    const principal = await this.keys.resolveHash(Buffer.from(record.keyHash, 'hex'), record.bootstrap);
    if (!principal) {
      await this.end(id);
      return undefined;
    }
    return { principal, csrfToken: record.csrf, expiresAt: new Date(record.expiresAt) };
  }

  async end(id: string): Promise<void> {
    await this.redis.del(this.redisKey(id));
  }

  private redisKey(id: string): string {
    return this.prefix + createHash('sha256').update(id).digest('hex');
  }
}

/** Whether a presented CSRF token is the session's (constant time). */
export function csrfMatches(session: Session, presented: unknown): boolean {
  if (typeof presented !== 'string') return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(session.csrfToken);
  return a.length === b.length && timingSafeEqual(a, b);
}
