import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppConfig } from '../config/app-config.service';
import { presentedApiKey, socketApiKey } from './api-key';
import { IS_PUBLIC } from './public.decorator';
import { matchesAnySecret } from './secret-compare';

/** Global guard: every route needs an API key from API_KEYS unless marked @Public(). */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly config: AppConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    const key = this.keyOf(context);
    if (!key) throw new UnauthorizedException('An API key is required: send "Authorization: Bearer <key>" or "x-api-key: <key>"');
    if (!matchesAnySecret(key, this.config.env.API_KEYS)) throw new UnauthorizedException('The API key is not valid');
    return true;
  }

  private keyOf(context: ExecutionContext): string | undefined {
    if (context.getType() === 'http') return presentedApiKey(context.switchToHttp().getRequest<{ headers: Record<string, string> }>().headers);
    if (context.getType() === 'ws') return socketApiKey(context.switchToWs().getClient<{ handshake: Parameters<typeof socketApiKey>[0] }>().handshake);
    // GraphQL: the context holds the request (for subscriptions, the connection_init payload's headers).
    const args = context.getArgs<Array<{ req?: { headers?: Record<string, string> } }>>();
    return presentedApiKey(args[2]?.req?.headers ?? {});
  }
}
