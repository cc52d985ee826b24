import { Body, Controller, Delete, Get, HttpCode, Logger, Post, Req, Res, UnauthorizedException } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { ApiRequestBody } from '../../docs/api-requests';
import { ApiError, ApiJson } from '../../docs/api-responses';
import { requestBody } from '../../docs/document-registry';
import { errorBody } from '../../docs/error-body';
import { componentRef } from '../../docs/openapi-schemas';
import { responseBodyName } from '../../docs/document-registry';
import { ZodValidationPipe } from '../../validation/zod-validation.pipe';
import { Public } from '../public.decorator';
import { clearedSessionCookie, sessionCookie, sessionIdFrom } from './session-cookie';
import { type SignInRequest, signInRequestSchema } from './session-request';
import { sessionBody } from './session-responses';
import { type Session, SessionStore } from './session-store';
import { SESSION, type WithSession } from './session-request-marks';
import { PRINCIPAL, type Principal } from '../../projects/principal';

const SIGN_IN_INPUT = requestBody('SignInInput', () => signInRequestSchema);

const isHttps = (request: FastifyRequest) => request.protocol === 'https';

const sessionAnswer = (principal: Principal, session?: Session): z.output<typeof sessionBody> => ({
  projectId: principal.projectId,
  actor: principal.actor,
  scopes: [...principal.scopes],
  bootstrap: principal.bootstrap,
  csrfToken: session?.csrfToken ?? null,
  expiresAt: session?.expiresAt ?? null,
});

/**
 * The dashboard's sign-in: a key, given once, becomes a session cookie the page never sees
 * (HttpOnly), so the key is kept neither in the page nor in the browser's storage.
 */
@ApiTags('session')
@Controller('session')
export class SessionController {
  private readonly logger = new Logger(SessionController.name);

  constructor(private readonly sessions: SessionStore) {}

  @Post()
  @Public()
  @HttpCode(201)
  @ApiJson(201, sessionBody, 'Signed in: Set-Cookie stv_session (HttpOnly, SameSite=Strict, Secure over https)')
  @ApiError(400, 'No key in the body, or not a string')
  @ApiResponse({
    status: 401,
    description: 'The key is no key of this deployment, or it was revoked',
    content: { 'application/json': { schema: componentRef(responseBodyName(errorBody)) } },
  })
  @ApiRequestBody(SIGN_IN_INPUT, { key: { summary: 'A project key', value: { key: 'stv_…' } } })
  async signIn(
    @Body(new ZodValidationPipe(signInRequestSchema)) body: SignInRequest,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<z.output<typeof sessionBody>> {
    const session = await this.sessions.create(body.key);
    if (!session) {
      this.logger.warn({ ip: request.ip }, 'A dashboard sign-in with a key that is not valid');
      throw new UnauthorizedException('The key is not valid: it is no key of this deployment, or it was revoked');
    }
    const maxAge = Math.floor(this.sessions.ttlMs / 1000);
    void reply.header('Set-Cookie', sessionCookie(session.id, maxAge, isHttps(request)));
    this.logger.log(
      { actor: session.principal.actor, projectId: session.principal.projectId },
      'Signed in to the dashboard',
    );
    return sessionAnswer(session.principal, session);
  }

  @Get()
  @ApiJson(
    200,
    sessionBody,
    'The session the cookie belongs to; with a key instead, what the key may do (no CSRF token, no expiry)',
  )
  current(@Req() request: FastifyRequest & WithSession): z.output<typeof sessionBody> {
    return sessionAnswer(request[PRINCIPAL]!, request[SESSION]);
  }

  @Delete()
  @HttpCode(204)
  @ApiResponse({
    status: 204,
    description: 'Signed out: the session is gone on every instance and the cookie is cleared',
  })
  async signOut(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    const id = sessionIdFrom(request.headers.cookie);
    if (id) await this.sessions.end(id);
    void reply.header('Set-Cookie', clearedSessionCookie(isHttps(request)));
  }
}
