import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { KeyDirectory } from '../projects/key-directory';
import { KeyRateLimiter, RateLimitedException } from '../projects/key-rate-limiter';
import { PRINCIPAL, type Principal } from '../projects/principal';
import { grants, type Scope } from '../projects/scopes';
import { presentedApiKey, socketApiKey } from './api-key';
import { ACCEPTS_BASIC_AUTH } from './basic-auth.decorator';
import { BASIC_CHALLENGE, basicCredentials } from './basic-credentials';
import { EVENT_TOKEN_KIND } from './event-token.decorator';
import type { EventTokenKind } from './event-token';
import { EventTokenVerifier } from './event-token-verifier';
import { requestOf } from './principal.decorator';
import { IS_PUBLIC } from './public.decorator';
import { BOOTSTRAP_ONLY, REQUIRED_SCOPE } from './scope.decorator';
import { sessionIdFrom } from './session/session-cookie';
import { SESSION, type WithSession } from './session/session-request-marks';
import { csrfMatches, SessionStore } from './session/session-store';

interface HttpRequest {
  method: string;
  headers: Record<string, string>;
  query?: Record<string, unknown>;
  params?: Record<string, unknown>;
}

const READ_METHODS = new Set(['GET', 'HEAD']);

/**
 * Global guard: every route needs an API key unless marked @Public(). The key decides the
 * project the request acts in and what it may do there (KeyDirectory), which the guard
 * leaves on the request for @CurrentPrincipal() / @ProjectId(). SSE routes marked
 * @AcceptsEventToken() take a short-lived event token in `?token=` instead; routes a
 * browser opens by itself, marked @AcceptsBasicAuth(), also take the key as an HTTP Basic
 * password. The metadata is on the routed handler, so it holds for exactly what the router
 * routes, however the path was spelled.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: KeyDirectory,
    private readonly eventTokens: EventTokenVerifier,
    private readonly rates: KeyRateLimiter,
    private readonly sessions: SessionStore,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    const principal = await this.authenticate(context);
    this.authorize(context, principal);
    await this.rates.take(principal).catch((error: unknown) => {
      if (error instanceof RateLimitedException) retryAfter(context, error.retryAfterSeconds);
      throw error;
    });
    const request = requestOf(context);
    if (request) request[PRINCIPAL] = principal;
    return true;
  }

  private async authenticate(context: ExecutionContext): Promise<Principal> {
    if (context.getType() === 'http' && this.reflector.get<boolean>(ACCEPTS_BASIC_AUTH, context.getHandler()))
      return this.keyOrBasic(context);
    const key = this.keyOf(context);
    if (!key && context.getType() === 'http') {
      const session = await this.session(context);
      if (session) return session;
    }
    if (!key) {
      const tokenKind = this.reflector.get<EventTokenKind | undefined>(EVENT_TOKEN_KIND, context.getHandler());
      if (tokenKind && context.getType() === 'http')
        return this.eventToken(context.switchToHttp().getRequest<HttpRequest>(), tokenKind);
      throw new UnauthorizedException(
        'An API key is required: send "Authorization: Bearer <key>" or "x-api-key: <key>"',
      );
    }
    const principal = await this.keys.resolve(key);
    if (!principal) throw new UnauthorizedException('The API key is not valid');
    return principal;
  }

  /** Scope and bootstrap checks, before any lookup: a refusal here says nothing about ids. */
  private authorize(context: ExecutionContext, principal: Principal): void {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(BOOTSTRAP_ONLY, targets) && !principal.bootstrap)
      throw new ForbiddenException('Only a bootstrap key (API_KEYS) may do this');
    const needed =
      this.reflector.getAllAndOverride<Scope | undefined>(REQUIRED_SCOPE, targets) ?? defaultScope(context);
    if (!grants(principal.scopes, needed))
      throw new ForbiddenException(`This key lacks the ${needed} scope (it has ${principal.scopes.join(', ')})`);
  }

  /**
   * A route a browser opens (a run's report, its artifacts): the key in a header, or as the
   * password of HTTP Basic auth on a GET (any user name). Refused with a Basic challenge, so
   * that the browser asks for it. Never from the URL.
   */
  private async keyOrBasic(context: ExecutionContext): Promise<Principal> {
    const request = context.switchToHttp().getRequest<HttpRequest>();
    const key =
      presentedApiKey(request.headers) ??
      (READ_METHODS.has(request.method) ? basicCredentials(request.headers.authorization)?.password : undefined);
    if (key === undefined) {
      const session = await this.session(context);
      if (session) return session;
    }
    const principal = key === undefined ? undefined : await this.keys.resolve(key);
    if (principal) return principal;
    context.switchToHttp().getResponse<FastifyReply>().header('WWW-Authenticate', BASIC_CHALLENGE);
    throw new UnauthorizedException(
      key === undefined
        ? 'An API key is required: sign in with any user name and the API key as the password, or send "Authorization: Bearer <key>"'
        : 'The API key is not valid',
    );
  }

  /**
   * The dashboard's session cookie, on a request without a key: its principal, or undefined
   * without a cookie. A cookie whose session ended is a 401 (the page signs in again); a
   * change (anything but GET and HEAD) must also carry the session's CSRF token in
   * x-csrf-token, which a page of another site cannot read, on top of SameSite=Strict.
   */
  private async session(context: ExecutionContext): Promise<Principal | undefined> {
    const request = context.switchToHttp().getRequest<HttpRequest & WithSession>();
    const id = sessionIdFrom(request.headers.cookie);
    if (!id) return undefined;
    const session = await this.sessions.find(id);
    if (!session)
      throw new UnauthorizedException(
        'The dashboard session has ended (signed out, expired, or its key was revoked): sign in again',
      );
    if (!READ_METHODS.has(request.method) && !csrfMatches(session, request.headers['x-csrf-token']))
      throw new ForbiddenException(
        'A change made with the dashboard session needs its CSRF token in x-csrf-token (from GET /api/session)',
      );
    request[SESSION] = session;
    return session.principal;
  }

  /** An SSE route opened without a key: `?token=` must be an event token for this stream. */
  private async eventToken(request: HttpRequest, kind: EventTokenKind): Promise<Principal> {
    const token = request.query?.token;
    if (typeof token !== 'string' || token.length === 0) {
      throw new UnauthorizedException(
        'An API key or an event token is required: send the key in a header, or ?token= from POST /api/events/tokens',
      );
    }
    // A URL lands in logs, histories and Referer headers: the key itself is never taken from one.
    if (await this.keys.resolve(token)) {
      throw new UnauthorizedException(
        'An API key is never accepted in a URL: send it in a header, or ?token= from POST /api/events/tokens',
      );
    }
    const check = await this.eventTokens.check(token, kind, String(request.params?.id ?? '').toLowerCase());
    if (!check.ok) throw new UnauthorizedException(check.reason);
    return check.principal;
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

/** Retry-After on the answer a refusal goes out in (REST or GraphQL over HTTP). */
function retryAfter(context: ExecutionContext, seconds: number): void {
  const reply =
    context.getType() === 'http'
      ? context.switchToHttp().getResponse<FastifyReply>()
      : context.getArgs<Array<{ reply?: FastifyReply }>>()[2]?.reply;
  reply?.header('Retry-After', String(seconds));
}

/** REST reads, GraphQL queries and subscriptions and socket.io need `read`; everything else `trigger`. */
function defaultScope(context: ExecutionContext): Scope {
  if (context.getType() === 'http')
    return READ_METHODS.has(context.switchToHttp().getRequest<HttpRequest>().method) ? 'read' : 'trigger';
  if (context.getType() === 'ws') return 'read';
  const info = context.getArgs<Array<{ operation?: { operation?: string } }>>()[3];
  return info?.operation?.operation === 'mutation' ? 'trigger' : 'read';
}
