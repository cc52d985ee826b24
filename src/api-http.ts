import { Reflector } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mountBullBoard } from './bull-board/bull-board';
import { protectDashboards } from './bull-board/dashboard-auth';
import { SessionStore } from './auth/session/session-store';
import { OutageFilter } from './http/outage.filter';
import { StorableTextInterceptor } from './storable-text/storable-text.interceptor';
import type { Env } from './config/env.schema';
import { mountOpenApi } from './docs/openapi';
import { mountWebApp } from './web/mount-web-app';
import { EventsIoAdapter } from './events/socket-io.adapter';
import { QueueRegistry } from './queues/queue-registry';
import { REDIS } from './redis/redis.module';
import { RedisWriteGate } from './redis/redis-write-gate.interceptor';

/**
 * The API's HTTP surface beyond Nest's routes: outages answered 503 (writes refused at once while Redis is away), socket.io beside Mercurius on one port,
 * Bull Board and the OpenAPI pages behind their own auth hook. Initialises the app (so
 * every upgrade listener is attached) before routing upgrades.
 */
export async function setUpApiHttp(app: NestFastifyApplication, env: Env): Promise<void> {
  app.useGlobalFilters(new OutageFilter(app.getHttpAdapter()));
  app.useGlobalInterceptors(new StorableTextInterceptor(), new RedisWriteGate(app.get(REDIS), app.get(Reflector)));
  // Every 503 says when to come back, whichever path produced it (GraphQL's formatter, health).
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', async (_request, reply) => {
      if (reply.statusCode === 503 && !reply.hasHeader('retry-after')) void reply.header('Retry-After', '5');
    });
  const io = new EventsIoAdapter(app);
  app.useWebSocketAdapter(io);
  protectDashboards(app.getHttpAdapter().getInstance(), env, app.get(SessionStore));
  await mountBullBoard(
    app,
    app
      .get(QueueRegistry)
      .all()
      .map(({ queue }) => queue),
  );
  mountOpenApi(app);
  await mountWebApp(app.getHttpAdapter().getInstance());
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  io.routeUpgrades(app.getHttpServer());
}
