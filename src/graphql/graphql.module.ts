import { MercuriusDriver, MercuriusDriverConfig } from '@nestjs/mercurius';
import { Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { socketApiKey } from '../auth/api-key';
import { matchesAnySecret } from '../auth/secret-compare';
import { AppConfig } from '../config/app-config.service';
import { refuseUnstorableGraphqlText, refuseUnstorableSubscriptionText } from '../common/storable-text.graphql';
import { mercuriusErrorFormatter } from './graphql-error-formatter';

/** GraphQL at /graphql on Mercurius (code first); GraphiQL at /graphiql outside production. */
@Module({
  imports: [
    GraphQLModule.forRootAsync<MercuriusDriverConfig>({
      driver: MercuriusDriver,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        autoSchemaFile: true,
        sortSchema: true,
        path: '/graphql',
        graphiql: !config.isProduction,
        // The request is where the API-key guard looks, as for REST.
        context: (req: FastifyRequest, reply: FastifyReply) => ({ req, reply }),
        errorFormatter: mercuriusErrorFormatter as never,
        // Text PostgreSQL cannot store (NUL, lone surrogates) in literals or variables: a 400 naming the field.
        hooks: { preExecution: refuseUnstorableGraphqlText, preSubscriptionExecution: refuseUnstorableSubscriptionText },
        // Subscriptions over Mercurius' websocket (graphql-ws protocol) on the same path.
        // The key comes in connection_init's payload ({ "x-api-key": ... } or { token }):
        // a connection without a valid one is refused. Mercurius copies the payload into
        // the request's headers, where the API-key guard looks.
        subscription: {
          onConnect: ({ payload }: { payload?: Record<string, unknown> }) => {
            const key = socketApiKey({ auth: payload ?? {}, headers: (payload ?? {}) as Record<string, string> });
            return key !== undefined && matchesAnySecret(key, config.env.API_KEYS);
          },
          context: (_connection: unknown, req: FastifyRequest) => ({ req }),
        },
      }),
    }),
  ],
})
export class GraphqlModule {}
