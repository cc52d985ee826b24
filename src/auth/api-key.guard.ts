import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppConfig } from '../config/app-config.service';
import type { FastifyReply } from 'fastify';
import { presentedApiKey, socketApiKey } from './api-key';
import { ACCEPTS_BASIC_AUTH } from './basic-auth.decorator';
import { BASIC_CHALLENGE, basicCredentials } from './basic-credentials';
import { checkEventToken, type EventTokenKind } from './event-token';
import { EVENT_TOKEN_KIND } from './event-token.decorator';
import { IS_PUBLIC } from './public.decorator';
import { matchesAnySecret } from './secret-compare';

interface HttpRequest {
  method: string;
  headers: Record<string, string>;
  query?: Record<string, unknown>;
  params?: Record<string, unknown>;
}

/**
 * Global guard: every route needs an API key from API_KEYS unless marked @Public(). SSE
 * routes marked @AcceptsEventToken() take a short-lived event token in `?token=` instead;
 * routes a browser opens by itself, marked @AcceptsBasicAuth(), also take the key as an HTTP
 * Basic password.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly config: AppConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    if (context.getType() === 'http' && this.reflector.get<boolean>(ACCEPTS_BASIC_AUTH, context.getHandler()))
      return this.checkKeyOrBasic(context);
    const key = this.keyOf(context);
    if (!key) {
      const tokenKind = this.reflector.get<EventTokenKind | undefined>(EVENT_TOKEN_KIND, context.getHandler());
      if (tokenKind && context.getType() === 'http')
        return this.checkEventToken(context.switchToHttp().getRequest<HttpRequest>(), tokenKind);
      throw new UnauthorizedException(
        'An API key is required: send "Authorization: Bearer <key>" or "x-api-key: <key>"',
      );
    }
    if (!matchesAnySecret(key, this.config.env.API_KEYS)) throw new UnauthorizedException('The API key is not valid');
    return true;
  }

  /**
   * A route a browser opens (a run's report, its artifacts): the key in a header, or as the
   * password of HTTP Basic auth on a GET (any user name). Refused with a Basic challenge, so
   * that the browser asks for it. Never from the URL.
   */
  private checkKeyOrBasic(context: ExecutionContext): true {
    const request = context.switchToHttp().getRequest<HttpRequest>();
    const readOnly = request.method === 'GET' || request.method === 'HEAD';
    const key =
      presentedApiKey(request.headers) ??
      (readOnly ? basicCredentials(request.headers.authorization)?.password : undefined);
    if (key !== undefined && matchesAnySecret(key, this.config.env.API_KEYS)) return true;
    context.switchToHttp().getResponse<FastifyReply>().header('WWW-Authenticate', BASIC_CHALLENGE);
    throw new UnauthorizedException(
      key === undefined
        ? 'An API key is required: sign in with any user name and the API key as the password, or send "Authorization: Bearer <key>"'
        : 'The API key is not valid',
    );
  }

  /** An SSE route opened without a key: `?token=` must be an event token for this stream. */
  private checkEventToken(request: HttpRequest, kind: EventTokenKind): boolean {
    const token = request.query?.token;
    if (typeof token !== 'string' || token.length === 0) {
      throw new UnauthorizedException(
        'An API key or an event token is required: send the key in a header, or ?token= from POST /api/events/tokens',
      );
    }
    // A URL lands in logs, histories and Referer headers: the key itself is never taken from one.
    if (matchesAnySecret(token, this.config.env.API_KEYS)) {
      throw new UnauthorizedException(
        'An API key is never accepted in a URL: send it in a header, or ?token= from POST /api/events/tokens',
      );
    }
    const check = checkEventToken(
      token,
      this.config.env.API_KEYS,
      kind,
      String(request.params?.id ?? '').toLowerCase(),
    );
    if (!check.ok) throw new UnauthorizedException(check.reason);
    return true;
  }

  private keyOf(context: ExecutionContext): string | undefined {
    if (context.getType() === 'http') return presentedApiKey(context.switchToHttp().getRequest<HttpRequest>().headers);
    if (context.getType() === 'ws')
      return socketApiKey(
        context.switchToWs().getClient<{ handshake: Parameters<typeof socketApiKey>[0] }>().handshake,
      );
    // GraphQL: the context holds the request (for subscriptions, the connection_init payload's headers).
    const args = context.getArgs<Array<{ req?: { headers?: Record<string, string> } }>>();
    return presentedApiKey(args[2]?.req?.headers ?? {});
  }
}
