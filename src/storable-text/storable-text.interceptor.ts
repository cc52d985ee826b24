import { BadRequestException, CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { unstorableRequestText } from './storable-text';

/**
 * Every REST request's parsed body, query string and path parameters, walked once: text
 * PostgreSQL cannot store is a 400 naming each field (`steps[2].selector`, `query.status`,
 * `params.id`), before any pipe, handler or query runs. An interceptor, so it runs after
 * the API-key guard: a request without a key is a 401 whatever it carries. GraphQL checks
 * its own variables and literals (storable-text.graphql.ts) and answers in GraphQL's shape.
 */
@Injectable()
export class StorableTextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const request = context.switchToHttp().getRequest<{ body?: unknown; query?: unknown; params?: unknown }>();
      const problems = unstorableRequestText(request);
      if (problems.length) throw new BadRequestException(problems);
    }
    return next.handle();
  }
}
