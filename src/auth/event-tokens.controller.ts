import { Body, Controller, Post, Req } from '@nestjs/common';
import { ApiBadRequestResponse, ApiCreatedResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiRequestBody } from '../docs/api-requests';
import { EVENT_TOKEN_EXAMPLES } from '../docs/request-examples';
import { WritesWithoutRedis } from '../redis/redis-write-gate.interceptor';
import { presentedApiKey } from './api-key';
import { hashApiKey } from '../projects/key-material';
import type { Principal } from '../projects/principal';
import { CurrentPrincipal } from './principal.decorator';
import { RequiresScope } from './scope.decorator';
import { BOOTSTRAP_SIGNER, EVENT_TOKEN_TTL_MS, mintEventToken } from './event-token';
import { eventTokenRequestSchema, parseEventTokenRequest } from './event-token-request';
import { EventTokenOutput } from './dto/event-token.dto';
import { requestBody } from '../docs/document-registry';

/** The body of this route, documented from the schema that validates it. */
const EVENT_TOKEN_INPUT = requestBody('EventTokenInput', () => eventTokenRequestSchema);

@ApiTags('events')
@Controller('events/tokens')
export class EventTokensController {
  @Post()
  // Asking for a token only reads: a read key may follow its project's work in a browser.
  @RequiresScope('read')
  // Minting is HMAC over the presented key: it needs neither Redis nor the database.
  @WritesWithoutRedis()
  @ApiRequestBody(EVENT_TOKEN_INPUT, EVENT_TOKEN_EXAMPLES)
  @ApiCreatedResponse({
    type: EventTokenOutput,
    description: `A token that opens one SSE stream (GET /api/runs|scrapes|suites|schedules/{id}/events?token=...) for ${EVENT_TOKEN_TTL_MS / 1000} s, for a browser's EventSource, which cannot send the API key`,
  })
  @ApiBadRequestResponse({ description: 'Not exactly one of runId, scrapeId, suiteId, scheduleId, or not a UUID' })
  @ApiUnauthorizedResponse({ description: 'No valid API key' })
  create(@Body() body: unknown, @Req() req: FastifyRequest, @CurrentPrincipal() actor: Principal): EventTokenOutput {
    const { kind, id } = parseEventTokenRequest(body);
    // The guard let the request in, so it presented a valid key: the token is signed with its hash.
    // Not checked against the database: a token for another project's id opens nothing (its stream is a 404).
    const keyHash = hashApiKey(presentedApiKey(req.headers) as string);
    const signer = actor.keyId ?? BOOTSTRAP_SIGNER;
    const { token, expiresAt } = mintEventToken(keyHash, signer, { project: actor.projectId, kind, id });
    return { token, expiresAt: expiresAt.toISOString() };
  }
}
