import { MercuriusDriver, MercuriusDriverConfig } from '@nestjs/mercurius';
import { Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { KeyDirectory } from '../projects/key-directory';
import { refuseUnstorableGraphqlText, refuseUnstorableSubscriptionText } from '../storable-text/storable-text.graphql';
import { mercuriusErrorFormatter } from './graphql-error-formatter';
import { GraphiqlPage } from './graphiql/graphiql-page';
import { checkDocument, checkSubscription } from './graphql-hooks';
import { GRAPHQL_LIMITS } from './graphql-limits';
import { checkGraphqlRequest, graphqlResponseType, requireApiKey } from './graphql-request-guard';
import { graphqlWsOnConnect } from './graphql-ws-auth';
import { costLimitRule } from './query-cost';
import { describeRootTypes } from './root-type-descriptions';
import { withSpecDirectives } from './standard-directives';

/**
 * GraphQL at /graphql on Mercurius (code first); GraphiQL at /graphiql outside production
 * (graphiql/graphiql-page.ts).
 * Every request needs the API key, checked on the route (introspection too); every
 * document is measured against GRAPHQL_LIMITS before it runs.
 */
@Module({
  imports: [
    GraphQLModule.forRootAsync<MercuriusDriverConfig>({
      driver: MercuriusDriver,
      inject: [KeyDirectory],
      useFactory: (keys: KeyDirectory) => ({
        autoSchemaFile: true,
        sortSchema: true,
        transformSchema: (schema) => withSpecDirectives(describeRootTypes(schema)),
        path: '/graphql',
        // Mercurius' GraphiQL loads React and GraphiQL from a public CDN: ours serves its own (graphiql/).
        graphiql: false,
        // The request is where the API-key guard looks, as for REST.
        context: (req: FastifyRequest, reply: FastifyReply) => ({ req, reply }),
        errorFormatter: mercuriusErrorFormatter as never,
        additionalRouteOptions: {
          preParsing: requireApiKey(keys),
          preHandler: checkGraphqlRequest,
          onSend: graphqlResponseType,
        },
        allowBatchedQueries: true,
        graphql: { parseOptions: { maxTokens: GRAPHQL_LIMITS.maxTokens } },
        validationRules: [costLimitRule()],
        hooks: {
          preValidation: checkDocument,
          // Text PostgreSQL cannot store (NUL, lone surrogates) in literals or variables: a 400 naming the field.
          preExecution: refuseUnstorableGraphqlText,
          preSubscriptionExecution: [checkSubscription, refuseUnstorableSubscriptionText],
        },
        // Subscriptions over Mercurius' websocket (graphql-ws protocol) on the same path;
        // the key comes in connection_init's payload (see graphql-ws-auth.ts).
        subscription: {
          onConnect: graphqlWsOnConnect(keys),
          context: (_connection: unknown, req: FastifyRequest) => ({ req }),
        },
      }),
    }),
  ],
  providers: [GraphiqlPage],
})
export class GraphqlModule {}
