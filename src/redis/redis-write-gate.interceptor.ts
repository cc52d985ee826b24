import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Redis } from 'ioredis';
import type { Observable } from 'rxjs';
import { DependencyUnavailableException } from '../outages/dependency-outage';
import { REDIS } from './redis.module';

const WITHOUT_REDIS = 'stevedore:writes-without-redis';
/** A write route that needs no Redis (the gate lets it through while Redis is away). */
export const WritesWithoutRedis = () => SetMetadata(WITHOUT_REDIS, true);

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every write (a REST POST/PUT/PATCH/DELETE, a GraphQL mutation) stores a row and queues
 * its job, or tells a worker through Redis. While the API has no ready Redis connection
 * it answers 503 with Retry-After at once, before anything is stored: without this a
 * request waits for a connection that may never come (a wrong REDIS_URL) or stores a
 * row whose job then cannot be added. The services still withdraw a row whose enqueue
 * fails (a connection lost in between): this is the fast path, that is the guarantee.
 */
@Injectable()
export class RedisWriteGate implements NestInterceptor {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (
      this.isWrite(context) &&
      this.redis.status !== 'ready' &&
      !this.reflector.getAllAndOverride<boolean>(WITHOUT_REDIS, [context.getHandler(), context.getClass()])
    ) {
      throw new DependencyUnavailableException('Redis is unavailable; nothing was stored. Try again shortly.');
    }
    return next.handle();
  }

  private isWrite(context: ExecutionContext): boolean {
    const type = context.getType<string>();
    if (type === 'http') return !READS.has(context.switchToHttp().getRequest<{ method: string }>().method);
    // GraphQL resolvers get (root, args, context, info): a mutation's info names its operation.
    if (type === 'graphql')
      return (
        (context.getArgByIndex(3) as { operation?: { operation?: string } } | undefined)?.operation?.operation ===
        'mutation'
      );
    return false;
  }
}
