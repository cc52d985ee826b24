import type { Server } from 'node:http';
import type { FastifyHttpOptions } from 'fastify';
import type { Env } from '../config/env.schema';

/** The largest request body any route reads; above it the answer is 413. */
export const BODY_LIMIT = 1024 * 1024;

/**
 * Fastify's and Node's server options. Slow clients are cut off (Node answers 408 and
 * closes): the headers must arrive within HTTP_HEADERS_TIMEOUT_MS, the whole request within
 * HTTP_REQUEST_TIMEOUT_MS. Both end once the request has arrived, so they never cut a long
 * answer: an SSE stream or an upgraded websocket lives as long as it needs. There is no
 * idle-socket timeout (`connectionTimeout`) for that reason; an SSE stream's heartbeat may be
 * minutes apart. Idle keep-alive connections close after Fastify's 72 s, longer than the
 * 60 s idle timeout of common load balancers, so the balancer closes first.
 */
export function serverOptions(env: Env): FastifyHttpOptions<Server> {
  const requestTimeout = env.HTTP_REQUEST_TIMEOUT_MS;
  return {
    trustProxy: true,
    bodyLimit: BODY_LIMIT,
    requestTimeout,
    http: {
      requestTimeout,
      // Node refuses a headers timeout above the request timeout.
      headersTimeout: Math.min(env.HTTP_HEADERS_TIMEOUT_MS, requestTimeout),
      // How often Node looks for connections past their timeout (its default is 30 s, which
      // would let a slow client hold a connection for half a minute past the limit).
      connectionsCheckingInterval: 1000,
    },
  };
}
