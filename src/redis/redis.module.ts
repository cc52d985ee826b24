import { Global, Module } from '@nestjs/common';
import { RedisConnectionFactory } from './redis-connection.factory';

export const REDIS = Symbol('REDIS');

/** The connection factory and one shared client (closed by the shutdown sequence). */
@Global()
@Module({
  providers: [
    RedisConnectionFactory,
    {
      provide: REDIS,
      inject: [RedisConnectionFactory],
      useFactory: (factory: RedisConnectionFactory) => factory.create('shared'),
    },
  ],
  exports: [RedisConnectionFactory, REDIS],
})
export class RedisModule {}
