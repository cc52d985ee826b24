import { BadRequestException, UnauthorizedException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { presentedApiKey } from '../auth/api-key';
import { matchesAnySecret } from '../auth/secret-compare';
import { GRAPHQL_LIMITS } from './graphql-limits';

/**
 * Route hooks for Mercurius' `/graphql` routes (GET and POST), so the decision is taken
 * on the route itself, for every operation, before any GraphQL runs: resolvers' guards
 * cannot see introspection or `__typename`, which never reach a resolver.
 */

/** preParsing: the API key, before the body is even read. A websocket upgrade is left to connection_init (graphql-ws). */
export function requireApiKey(apiKeys: readonly string[]) {
  return async (request: FastifyRequest): Promise<void> => {
    if (request.headers.upgrade) return;
    const key = presentedApiKey(request.headers);
    if (!key) throw new UnauthorizedException('An API key is required: send "Authorization: Bearer <key>" or "x-api-key: <key>"');
    if (!matchesAnySecret(key, apiKeys)) throw new UnauthorizedException('The API key is not valid');
  };
}

/**
 * preHandler: the request's shape. `{}` or a missing query would otherwise answer 200
 * with nothing; a batch is bounded; the query text is bounded before it is parsed.
 * A body that failed the route's schema is left to Mercurius, which answers it 400.
 */
export async function checkGraphqlRequest(request: FastifyRequest): Promise<void> {
  if (request.headers.upgrade || request.validationError) return;
  const body: unknown = request.method === 'GET' ? request.query : request.body;
  if (Array.isArray(body)) {
    if (body.length === 0) throw new BadRequestException('A batch must hold at least one operation');
    if (body.length > GRAPHQL_LIMITS.maxBatch) throw new BadRequestException(`A batch holds ${body.length} operations; the batch limit is ${GRAPHQL_LIMITS.maxBatch}`);
  }
  for (const operation of Array.isArray(body) ? body : [body]) {
    const query = (operation as { query?: unknown } | null)?.query;
    if (typeof query !== 'string' || query.trim() === '') throw new BadRequestException('query is required: send { "query": "<GraphQL document>" }');
    if (query.length > GRAPHQL_LIMITS.maxQueryLength) throw new BadRequestException(`The query is ${query.length} characters long; the limit is ${GRAPHQL_LIMITS.maxQueryLength}`);
  }
}
