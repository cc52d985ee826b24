import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppConfig } from '../config/app-config.service';
import { presentedApiKey } from './api-key';
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
    const headers = this.headersOf(context);
    const key = presentedApiKey(headers);
    if (!key) throw new UnauthorizedException('An API key is required: send "Authorization: Bearer <key>" or "x-api-key: <key>"');
    if (!matchesAnySecret(key, this.config.env.API_KEYS)) throw new UnauthorizedException('The API key is not valid');
    return true;
  }

  private headersOf(context: ExecutionContext): Record<string, string | string[] | undefined> {
    if (context.getType() === 'http') return context.switchToHttp().getRequest<{ headers: Record<string, string> }>().headers;
    // GraphQL and WebSocket contexts carry the request elsewhere; they add their own lookup.
    const args = context.getArgs<Array<{ req?: { headers?: Record<string, string> } }>>();
    return args[2]?.req?.headers ?? {};
  }
}
