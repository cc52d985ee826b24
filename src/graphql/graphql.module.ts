import { MercuriusDriver, MercuriusDriverConfig } from '@nestjs/mercurius';
import { Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config.service';
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
      }),
    }),
  ],
})
export class GraphqlModule {}
