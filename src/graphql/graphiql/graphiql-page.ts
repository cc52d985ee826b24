import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { createReadStream } from 'node:fs';
import { AppConfig } from '../../config/app-config.service';
import { GRAPHIQL_APP_JS, GRAPHIQL_ASSETS, GRAPHIQL_HTML } from './graphiql-assets';

/**
 * GraphiQL at /graphiql outside production, served whole by the app (page, script and
 * assets under /graphiql/, where the dashboard door looks). In production it is not mounted.
 */
@Injectable()
export class GraphiqlPage implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    if (this.config.isProduction) return;
    const app = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    app.get('/graphiql', (_req, reply) => reply.type('text/html; charset=utf-8').send(GRAPHIQL_HTML));
    app.get('/graphiql/app.js', (_req, reply) =>
      reply.type('application/javascript; charset=utf-8').send(GRAPHIQL_APP_JS),
    );
    app.get<{ Params: { file: string } }>('/graphiql/assets/:file', (req, reply) => {
      const asset = Object.hasOwn(GRAPHIQL_ASSETS, req.params.file) ? GRAPHIQL_ASSETS[req.params.file] : undefined;
      if (!asset)
        return reply
          .code(404)
          .send({ statusCode: 404, error: 'Not Found', message: `No GraphiQL asset named ${req.params.file}` });
      return reply
        .type(asset.contentType)
        .header('cache-control', 'public, max-age=86400')
        .send(createReadStream(asset.path));
    });
  }
}
