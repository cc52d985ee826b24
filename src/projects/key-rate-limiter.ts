import { HttpException, HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AppConfig } from '../config/app-config.service';
import { outageLog } from '../outages/outage-log';
import { REDIS } from '../redis/redis.module';
import type { Principal } from './principal';
import { ProjectSettings } from './project-settings';

/** Refused for the key's request rate: 429 with Retry-After, for REST and GraphQL alike. */
export class RateLimitedException extends HttpException {
  constructor(
    readonly retryAfterSeconds: number,
    rate: number,
    burst: number,
  ) {
    super(
      {
        statusCode: 429,
        error: 'Too Many Requests',
        message: `This key makes more than ${rate} requests a second (burst ${burst}), its project's limit. Retry after ${retryAfterSeconds} s.`,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/**
 * GCRA (a token bucket kept as one timestamp, the "theoretical arrival time"), on Redis'
 * clock so that every API instance shares one bucket per key. Returns 0 when the request
 * may go, else the milliseconds until it would.
 */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = 1000000 / tonumber(ARGV[1])
local tolerance = interval * tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local next = tat + interval
if next - tolerance > now then return math.ceil((next - tolerance - now) / 1000) end
redis.call('SET', KEYS[1], string.format('%.0f', next), 'PX', math.ceil(tolerance / 1000) + 1000)
return 0`;

interface RateCommands {
  stevedoreTakeRequest(key: string, rate: number, burst: number): Promise<number>;
}

/** How long a request waits for Redis to say whether it may go; past that it goes (see below). */
const DECISION_MS = 250;

/**
 * Requests per second per project key, with a burst; the project's settings, else
 * RATE_LIMIT_PER_SECOND / RATE_LIMIT_BURST (0: no limit). Bootstrap keys (API_KEYS) are the
 * operator's and are not limited. When Redis cannot answer, requests go: the limit
 * protects the service's fairness, and refusing every client during an outage would not.
 */
@Injectable()
export class KeyRateLimiter {
  private readonly logger = new Logger(KeyRateLimiter.name);
  private readonly commands: RateCommands;

  constructor(
    @Inject(REDIS) redis: Redis,
    private readonly config: AppConfig,
    private readonly settings: ProjectSettings,
  ) {
    const client = redis as Redis & Partial<RateCommands>;
    if (!client.stevedoreTakeRequest) client.defineCommand('stevedoreTakeRequest', { numberOfKeys: 1, lua: TAKE });
    this.commands = client as Redis & RateCommands;
  }

  /** Takes one request from the key's bucket, or throws RateLimitedException. */
  async take(principal: Principal): Promise<void> {
    if (principal.bootstrap || !principal.keyId) return;
    const limits = await this.settings.limitsOf(principal.projectId);
    const rate = limits.ratePerSecond ?? this.config.env.RATE_LIMIT_PER_SECOND;
    if (rate <= 0) return;
    const burst = Math.max(1, limits.rateBurst ?? this.config.env.RATE_LIMIT_BURST);
    const key = `${this.config.env.QUEUE_PREFIX}:rate:${principal.keyId}`;
    let waitMs: number | undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      waitMs = await Promise.race([
        this.commands.stevedoreTakeRequest(key, rate, burst),
        new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), DECISION_MS))),
      ]);
    } catch (err) {
      outageLog.fault(this.logger, err, 'Could not check a key’s request rate; letting the request go', {}, 'warn');
    } finally {
      clearTimeout(timer);
    }
    if (waitMs) throw new RateLimitedException(Math.max(1, Math.ceil(waitMs / 1000)), rate, burst);
  }
}
