import { BadRequestException, HttpException } from '@nestjs/common';
import { DocumentNode, GraphQLSchema, Location, specifiedRules, validate } from 'graphql';
import { documentLimitError } from './document-shape';
import { GRAPHQL_LIMITS } from './graphql-limits';
import { costLimitRule } from './query-cost';

/** How many subscriptions the connection has live (set by onConnect in graphql-ws-auth.ts). */
export interface LiveSubscriptionCount {
  liveSubscriptions?: () => number;
}

/**
 * Mercurius' preValidation hook (queries and mutations over HTTP): the document's size
 * before graphql-js' validation, whose rule on repeated fields is quadratic. Mercurius
 * reads a query that does not parse as JSON and takes it for an AST: only a document
 * graphql-js parsed from text is accepted.
 */
export function checkDocument(_schema: GraphQLSchema, document: DocumentNode): void {
  if (!(document.loc instanceof Location)) throw new BadRequestException('query must be a GraphQL document as text');
  const error = documentLimitError(document);
  if (error) throw new BadRequestException(error);
}

/**
 * Mercurius' preSubscriptionExecution hook (graphql-ws). Mercurius does not validate
 * subscriptions itself, so here they get what HTTP operations get: the size limits,
 * graphql-js' rules and the cost rule; then the per-connection subscription cap.
 */
export function checkSubscription(schema: GraphQLSchema, document: DocumentNode, context: object): void {
  checkDocument(schema, document);
  const errors = validate(schema, document, [...specifiedRules, costLimitRule()]);
  // A string: Mercurius sends a subscription's error with its message only.
  if (errors.length > 0) throw new BadRequestException(errors.map((e) => e.message).join('; '));
  // The connection counts this one already.
  const live = (context as LiveSubscriptionCount).liveSubscriptions?.() ?? 0;
  if (live > GRAPHQL_LIMITS.maxSubscriptionsPerConnection) {
    throw new HttpException(
      `This connection has ${GRAPHQL_LIMITS.maxSubscriptionsPerConnection} subscriptions, the limit: complete one first`,
      429,
    );
  }
}
