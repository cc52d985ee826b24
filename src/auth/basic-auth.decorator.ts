import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiHeader, ApiUnauthorizedResponse } from '@nestjs/swagger';

export const ACCEPTS_BASIC_AUTH = 'stevedore:accepts-basic-auth';

/**
 * Marks a GET route that a browser opens by itself (a run's HTML report, trace viewer and
 * artifacts), which cannot send a Bearer header: the API-key guard also takes HTTP Basic auth
 * whose password is an API key (any user name), and answers 401 with a Basic challenge so the
 * browser prompts. The mark is on the routed handler, so it holds for exactly what the router
 * routes there, however the path was spelled. A key in the URL is never accepted.
 */
export const AcceptsBasicAuth = () =>
  applyDecorators(
    SetMetadata(ACCEPTS_BASIC_AUTH, true),
    ApiHeader({
      name: 'Authorization',
      required: false,
      description:
        'For a browser: `Basic` with any user name and an API key as the password (the browser prompts on the 401). `Bearer <key>` and x-api-key work too.',
    }),
    ApiUnauthorizedResponse({
      description: 'No API key (Bearer, x-api-key or Basic password), or one not in API_KEYS; WWW-Authenticate: Basic',
    }),
  );
