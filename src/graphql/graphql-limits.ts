/**
 * What one GraphQL request may ask for. Every limit is checked before anything runs
 * (a 400 naming it), so one request cannot hold the database pool or the event loop.
 * The README's GraphQL section lists them; change them together.
 */
export const GRAPHQL_LIMITS = {
  /** Characters of the query text (before it is parsed). */
  maxQueryLength: 16_384,
  /** Tokens graphql-js reads before it gives up parsing. */
  maxTokens: 2_000,
  /** Nested selection sets below an operation (Mercurius' queryDepth). */
  maxDepth: 8,
  /** Aliased fields in one document. */
  maxAliases: 20,
  /** Field selections in one document, fragments counted where they are spread. */
  maxFields: 500,
  /** Estimated objects and fields resolved (see query-cost.ts). */
  maxCost: 10_000,
  /** Operations in one batched (array) request. */
  maxBatch: 10,
  /** Live subscriptions on one graphql-ws connection. */
  maxSubscriptionsPerConnection: 20,
} as const;

/** A list field without a `limit` argument is counted as this many items. */
export const UNBOUNDED_LIST_ESTIMATE = 20;
