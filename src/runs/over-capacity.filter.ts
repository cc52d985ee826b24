import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { OverCapacityException } from './run-capacity';

/** 429 with Retry-After over REST; GraphQL gets the same error through its formatter. */
@Catch(OverCapacityException)
export class OverCapacityFilter implements ExceptionFilter {
  catch(exception: OverCapacityException, host: ArgumentsHost) {
    if (host.getType() !== 'http') return exception;
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    void reply.status(429).header('Retry-After', String(exception.retryAfterSeconds)).send(exception.getResponse());
  }
}
