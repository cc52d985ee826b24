import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiQuery, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { EVENT_TOKEN_TTL_MS, type EventTokenKind } from './event-token';

export const EVENT_TOKEN_KIND = 'stevedore:event-token-kind';

/**
 * Marks an SSE route (`GET .../:id/events`) that a browser's EventSource, which cannot
 * send a header, may open with `?token=` from POST /api/events/tokens instead of the API
 * key. The API-key guard reads the mark; the token must be for this kind and the route's `:id`.
 */
export const AcceptsEventToken = (kind: EventTokenKind) =>
  applyDecorators(
    SetMetadata(EVENT_TOKEN_KIND, kind),
    ApiQuery({
      name: 'token',
      required: false,
      description: `Instead of the API key (for a browser's EventSource): a token from POST /api/events/tokens for this ${kind}, valid ${EVENT_TOKEN_TTL_MS / 1000} s. An API key is never accepted here.`,
    }),
    ApiUnauthorizedResponse({
      description:
        'No API key and no valid event token for this stream (expired, for another resource, or an API key in the URL)',
    }),
  );
