import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { presentedApiKey } from '../auth/api-key';
import { BASIC_CHALLENGE, basicCredentials } from '../auth/basic-credentials';
import { matchesAnySecret } from '../auth/secret-compare';
import type { Env } from '../config/env.schema';
import { sessionIdFrom } from '../auth/session/session-cookie';
import type { SessionStore } from '../auth/session/session-store';

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
 * The web dashboard's session: a session of a bootstrap key opens every dashboard (Bull Board
 * shows every project's jobs, so only an operator's); any session opens the OpenAPI pages,
 * which hold no data. Sessions have no CSRF check here: these are pages a browser opens.
 */
async function sessionOpens(request: FastifyRequest, sessions: SessionStore, routePattern: string): Promise<boolean> {
  const id = sessionIdFrom(request.headers.cookie);
  if (!id) return false;
  const session = await sessions.find(id);
  if (!session) return false;
  return session.principal.bootstrap || routePattern.toLowerCase().startsWith('/api/docs');
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
export function protectDashboards(fastify: FastifyInstance, env: Env, sessions: SessionStore): void {
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const route = request.routeOptions.url;
    if (!isDashboardRoute(route)) return;
    if (signedIn(request, env)) return;
    if (await sessionOpens(request, sessions, route as string)) return;
    await reply
      .code(401)
      .header('WWW-Authenticate', BASIC_CHALLENGE)
      .send({ statusCode: 401, error: 'Unauthorized', message: 'Sign in with the Bull Board username and password' });
  });
}
