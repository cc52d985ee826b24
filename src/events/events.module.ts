import { Global, Module } from '@nestjs/common';
import { EventsGateway } from './events.gateway';
import { LiveEventHub } from './live-event-hub';
import { LiveController } from './live.controller';

/**
 * API side only: the live event hub that every surface reads (socket.io here; SSE routes
 * and GraphQL subscriptions live with their features). Global so features can register
 * their sources and follow jobs without importing it.
 */
@Global()
@Module({
  controllers: [LiveController],
  providers: [LiveEventHub, EventsGateway],
  exports: [LiveEventHub],
})
export class EventsModule {}
