import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { presentedApiKey } from '../auth/api-key';
import { matchesAnySecret } from '../auth/secret-compare';
import type { Env } from '../config/env.schema';

/** Paths served by Fastify plugins, where Nest guards never run. */
export const DASHBOARD_PREFIXES = ['/api/queues', '/api/docs'];

function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header?.trim() ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Bull Board and the OpenAPI pages are Fastify plugins, so the Nest API-key guard does not
 * see them: this `onRequest` hook does. A browser signs in with HTTP basic auth
 * (BULL_BOARD_USERNAME / BULL_BOARD_PASSWORD); tools may send an API key instead.
 */
export function protectDashboards(fastify: FastifyInstance, env: Env): void {
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0];
    if (!DASHBOARD_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))) return;
    const key = presentedApiKey(request.headers);
    if (key && matchesAnySecret(key, env.API_KEYS)) return;
    const basic = basicCredentials(request.headers.authorization);
    // Both parts compared every time, so a wrong user takes as long as a wrong password.
    const userOk = matchesAnySecret(basic?.user ?? '', [env.BULL_BOARD_USERNAME]);
    const passwordOk = matchesAnySecret(basic?.password ?? '', [env.BULL_BOARD_PASSWORD]);
    if (basic && userOk && passwordOk) return;
    await reply
      .code(401)
      .header('WWW-Authenticate', 'Basic realm="Stevedore", charset="UTF-8"')
      .send({ statusCode: 401, error: 'Unauthorized', message: 'Sign in with the Bull Board username and password' });
  });
}
