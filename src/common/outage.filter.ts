import { ArgumentsHost, Catch, HttpException } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { DependencyUnavailableException, isDependencyOutage } from './dependency-outage';

/**
 * The database or Redis away is a 503 with Retry-After (GraphQL: SERVICE_UNAVAILABLE),
 * not a 500: clients and load balancers can tell "try again" from "this is broken".
 * Everything else goes to Nest's own handling.
 */
@Catch()
export class OutageFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost) {
    const outage = !(exception instanceof HttpException) && isDependencyOutage(exception);
    if (host.getType() !== 'http') return outage ? new DependencyUnavailableException() : exception;
    if (!outage) return super.catch(exception, host);
    const unavailable = new DependencyUnavailableException();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    void reply.status(503).header('Retry-After', String(unavailable.retryAfterSeconds)).send(unavailable.getResponse());
  }
}
