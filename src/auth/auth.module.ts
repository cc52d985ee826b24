import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeyGuard } from './api-key.guard';
import { EventTokenVerifier } from './event-token-verifier';
import { EventTokensController } from './event-tokens.controller';
import { SessionController } from './session/session.controller';
import { SessionStore } from './session/session-store';

@Module({
  controllers: [EventTokensController, SessionController],
  providers: [EventTokenVerifier, SessionStore, { provide: APP_GUARD, useClass: ApiKeyGuard }],
  exports: [EventTokenVerifier, SessionStore],
})
export class AuthModule {}
