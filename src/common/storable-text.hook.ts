import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { unstorableText } from './storable-text';

/** GraphQL's route checks its own variables and literals (graphql/storable-text.hook.ts) and answers in GraphQL's shape. */
const GRAPHQL_PATH = '/graphql';

/**
 * Every REST request's parsed body, query string and path parameters, walked once before
 * validation: text PostgreSQL cannot store is a 400 naming each field (`steps[2].selector`,
 * `query.status`, `params.id`), in Nest's error shape, before any handler or query runs.
 */
export function refuseUnstorableText(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.routeOptions.url === GRAPHQL_PATH) return;
    const problems = [...unstorableText(request.body), ...unstorableText(request.query, 'query'), ...unstorableText(request.params, 'params')];
    if (problems.length) return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: problems });
  });
}
