import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeyGuard } from './api-key.guard';
import { EventTokenVerifier } from './event-token-verifier';
import { EventTokensController } from './event-tokens.controller';

@Module({
  controllers: [EventTokensController],
  providers: [EventTokenVerifier, { provide: APP_GUARD, useClass: ApiKeyGuard }],
  exports: [EventTokenVerifier],
})
export class AuthModule {}
