import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mountBullBoard } from './bull-board/bull-board';
import { protectDashboards } from './bull-board/dashboard-auth';
import { OutageFilter } from './common/outage.filter';
import type { Env } from './config/env.schema';
import { mountOpenApi } from './docs/openapi';
import { EventsIoAdapter } from './events/socket-io.adapter';
import { QueueRegistry } from './queues/queue-registry';

/**
 * The API's HTTP surface beyond Nest's routes: outages answered 503, socket.io beside Mercurius on one port,
 * Bull Board and the OpenAPI pages behind their own auth hook. Initialises the app (so
 * every upgrade listener is attached) before routing upgrades.
 */
export async function setUpApiHttp(app: NestFastifyApplication, env: Env): Promise<void> {
  app.useGlobalFilters(new OutageFilter(app.getHttpAdapter()));
  const io = new EventsIoAdapter(app);
  app.useWebSocketAdapter(io);
  protectDashboards(app.getHttpAdapter().getInstance(), env);
  await mountBullBoard(app, app.get(QueueRegistry).all().map(({ queue }) => queue));
  mountOpenApi(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  io.routeUpgrades(app.getHttpServer());
}
