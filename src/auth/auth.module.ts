import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeyGuard } from './api-key.guard';
import { EventTokensController } from './event-tokens.controller';

@Module({ controllers: [EventTokensController], providers: [{ provide: APP_GUARD, useClass: ApiKeyGuard }] })
export class AuthModule {}
