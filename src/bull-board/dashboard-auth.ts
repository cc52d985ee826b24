import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { presentedApiKey } from '../auth/api-key';
import { BASIC_CHALLENGE, basicCredentials } from '../auth/basic-credentials';
import { matchesAnySecret } from '../auth/secret-compare';
import type { Env } from '../config/env.schema';

/**
 * Route patterns served by Fastify plugins, where Nest guards never run: Bull Board (UI,
 * assets and its JSON API), the OpenAPI pages, and GraphiQL with whatever assets it serves
 * under its prefix. A prefix covers the pattern itself and everything under it.
 */
export const DASHBOARD_PREFIXES = ['/api/queues', '/api/docs', '/graphiql'];

/**
 * Whether a matched route pattern is behind the dashboard door. It is the pattern the
 * router registered (`/api/queues/static/*`), never the request's spelling of a path:
 * percent-encoding, dot segments, double slashes or an absolute-form request line can make
 * a URL differ from its route, but not the route from itself.
 */
export function isDashboardRoute(routePattern: string | undefined): boolean {
  if (routePattern === undefined) return false;
  const pattern = routePattern.toLowerCase();
  return DASHBOARD_PREFIXES.some(
    (prefix) => pattern === prefix || pattern.startsWith(`${prefix}/`) || pattern.startsWith(`${prefix}*`),
  );
}

/** An API key from API_KEYS, or the Bull Board basic-auth pair. */
function signedIn(request: FastifyRequest, env: Env): boolean {
  const key = presentedApiKey(request.headers);
  if (key && matchesAnySecret(key, env.API_KEYS)) return true;
  const basic = basicCredentials(request.headers.authorization);
  // Both parts compared every time, so a wrong user takes as long as a wrong password.
  const userOk = matchesAnySecret(basic?.user ?? '', [env.BULL_BOARD_USERNAME]);
  const passwordOk = matchesAnySecret(basic?.password ?? '', [env.BULL_BOARD_PASSWORD]);
  return basic !== undefined && userOk && passwordOk;
}

/**
 * Bull Board, the OpenAPI pages and GraphiQL are Fastify plugins, so the Nest API-key
 * guard does not see them: this hook does. A browser signs in with HTTP basic auth
 * (BULL_BOARD_USERNAME / BULL_BOARD_PASSWORD); tools may send an API key instead.
 *
 * Fastify runs `onRequest` after routing, so the hook decides on the route the request was
 * matched to (HEAD routes Fastify adds share their GET route's pattern); a request that
 * matched no route gets the 404 handler, which serves nothing of a dashboard. Registered on
 * the root instance, it runs for routes of every plugin, whenever they were registered.
 */
export function protectDashboards(fastify: FastifyInstance, env: Env): void {
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!isDashboardRoute(request.routeOptions.url)) return;
    if (signedIn(request, env)) return;
    await reply
      .code(401)
      .header('WWW-Authenticate', BASIC_CHALLENGE)
      .send({ statusCode: 401, error: 'Unauthorized', message: 'Sign in with the Bull Board username and password' });
  });
}
