import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.service';
import { RedisConnectionFactory } from './redis-connection.factory';

export const REDIS = Symbol('REDIS');

/** The connection factory and one shared client (closed by the shutdown sequence). */
@Global()
@Module({
  providers: [
    RedisConnectionFactory,
    {
      provide: REDIS,
      inject: [RedisConnectionFactory, AppConfig],
      // No blocking command ever goes through it: on the API, concurrent requests' commands share writes.
      useFactory: (factory: RedisConnectionFactory, config: AppConfig) =>
        factory.create('shared', { enableAutoPipelining: !config.isWorker }),
    },
  ],
  exports: [RedisConnectionFactory, REDIS],
})
export class RedisModule {}
