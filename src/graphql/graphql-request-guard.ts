import { BadRequestException, UnauthorizedException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { presentedApiKey } from '../auth/api-key';
import type { KeyDirectory } from '../projects/key-directory';
import { GRAPHQL_LIMITS } from './graphql-limits';

/**
 * Route hooks for Mercurius' `/graphql` routes (GET and POST), so the decision is taken
 * on the route itself, for every operation, before any GraphQL runs: resolvers' guards
 * cannot see introspection or `__typename`, which never reach a resolver.
 */

/**
 * A websocket upgrade, as @fastify/websocket marks it (not an `Upgrade` header, which any
 * plain request can carry): its key comes in graphql-ws' connection_init instead.
 */
const isWebsocket = (request: FastifyRequest) => (request as FastifyRequest & { ws?: boolean }).ws === true;

/** preParsing: the API key, before the body is even read. */
export function requireApiKey(keys: KeyDirectory) {
  return async (request: FastifyRequest): Promise<void> => {
    if (isWebsocket(request)) return;
    const key = presentedApiKey(request.headers);
    if (!key)
      throw new UnauthorizedException(
        'An API key is required: send "Authorization: Bearer <key>" or "x-api-key: <key>"',
      );
    if (!(await keys.resolve(key))) throw new UnauthorizedException('The API key is not valid');
  };
}

/** onSend: a client that asks for application/graphql-response+json gets it named so. */
export async function graphqlResponseType(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
): Promise<unknown> {
  const accept = request.headers.accept ?? '';
  const type = String(reply.getHeader('content-type') ?? '');
  if (accept.includes('application/graphql-response+json') && type.startsWith('application/json'))
    reply.header('content-type', 'application/graphql-response+json; charset=utf-8');
  return payload;
}

/**
 * preHandler: the request's shape. `{}` or a missing query would otherwise answer 200
 * with nothing; a batch is bounded; the query text is bounded before it is parsed.
 * A body that failed the route's schema is left to Mercurius, which answers it 400.
 */
export async function checkGraphqlRequest(request: FastifyRequest): Promise<void> {
  if (isWebsocket(request) || request.validationError) return;
  const body: unknown = request.method === 'GET' ? request.query : request.body;
  if (Array.isArray(body)) {
    if (body.length === 0) throw new BadRequestException('A batch must hold at least one operation');
    if (body.length > GRAPHQL_LIMITS.maxBatch)
      throw new BadRequestException(
        `A batch holds ${body.length} operations; the batch limit is ${GRAPHQL_LIMITS.maxBatch}`,
      );
  }
  for (const operation of Array.isArray(body) ? body : [body]) {
    const query = (operation as { query?: unknown } | null)?.query;
    if (typeof query !== 'string' || query.trim() === '')
      throw new BadRequestException('query is required: send { "query": "<GraphQL document>" }');
    if (query.length > GRAPHQL_LIMITS.maxQueryLength)
      throw new BadRequestException(
        `The query is ${query.length} characters long; the limit is ${GRAPHQL_LIMITS.maxQueryLength}`,
      );
    // Mercurius takes a query that parses as JSON for an AST (`null` crashed it: a 500). No
    // GraphQL document is also JSON (`{}` has no selections), so such text is refused here.
    if (isJson(query)) throw new BadRequestException('query must be a GraphQL document as text');
  }
  if (request.method === 'GET') checkQueryStringJson(request.query as Record<string, unknown>);
}

/**
 * Over GET, `variables` and `extensions` are JSON text that Mercurius parses without
 * checking its shape (POST's body schema does that): `variables=false` reached graphql-js
 * and failed as a server error. Each must be a JSON object (or null), as over POST.
 */
function checkQueryStringJson(query: Record<string, unknown>): void {
  for (const name of ['variables', 'extensions']) {
    const text = query[name];
    if (text === undefined || text === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(String(text));
    } catch {
      throw new BadRequestException(`${name} must be a JSON object: it is not valid JSON`);
    }
    if (value !== null && (typeof value !== 'object' || Array.isArray(value)))
      throw new BadRequestException(`${name} must be a JSON object`);
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
