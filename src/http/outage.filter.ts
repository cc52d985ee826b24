import { ArgumentsHost, Catch, HttpException } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { DependencyUnavailableException, isDependencyOutage, outageSource } from '../outages/dependency-outage';
import { outageLog } from '../outages/outage-log';

/**
 * The database or Redis away is a 503 with Retry-After (GraphQL: SERVICE_UNAVAILABLE),
 * not a 500: clients and load balancers can tell "try again" from "this is broken".
 * The cause goes to the outage log (one line per outage, not one per request).
 * Everything else goes to Nest's own handling.
 */
@Catch()
export class OutageFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost) {
    const unavailable = this.unavailable(exception);
    if (host.getType() !== 'http') return unavailable ?? exception;
    if (!unavailable) return super.catch(exception, host);
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    void reply.status(503).header('Retry-After', String(unavailable.retryAfterSeconds)).send(unavailable.getResponse());
  }

  private unavailable(exception: unknown): DependencyUnavailableException | undefined {
    if (exception instanceof DependencyUnavailableException) return exception;
    if (exception instanceof HttpException || !isDependencyOutage(exception)) return undefined;
    outageLog.lost(outageSource(exception), exception);
    return new DependencyUnavailableException();
  }
}
