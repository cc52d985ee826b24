import type { GraphQLSchema } from 'graphql';

/**
 * Descriptions for the root types, which Nest's code-first decorators cannot give, so
 * every type of the schema has one (clients' generated code and docs show them).
 */
export function describeRootTypes(schema: GraphQLSchema): GraphQLSchema {
  const query = schema.getQueryType();
  const mutation = schema.getMutationType();
  const subscription = schema.getSubscriptionType();
  if (query) query.description ??= 'Reads: runs, suites, scrapes, emails, users, dead letters and queues';
  if (mutation)
    mutation.description ??=
      'Writes: queue and cancel runs, suites and scrapes; send emails; create users; replay dead letters';
  if (subscription)
    subscription.description ??= 'Live changes over graphql-ws on /graphql (the key in connection_init)';
  return schema;
}
