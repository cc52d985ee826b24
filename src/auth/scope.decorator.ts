import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiForbiddenResponse } from '@nestjs/swagger';
import type { Scope } from '../projects/scopes';

export const REQUIRED_SCOPE = 'stevedore:required-scope';
export const BOOTSTRAP_ONLY = 'stevedore:bootstrap-only';

/**
 * The scope a route or operation needs, where the default does not fit. Defaults: REST
 * GET/HEAD, GraphQL queries and subscriptions, socket.io: `read`; anything else `trigger`.
 */
export const RequiresScope = (scope: Scope) =>
  applyDecorators(
    SetMetadata(REQUIRED_SCOPE, scope),
    ApiForbiddenResponse({ description: `The key lacks the \`${scope}\` scope` }),
  );

/** Only a bootstrap key (API_KEYS) may: creating projects. */
export const BootstrapOnly = () =>
  applyDecorators(
    SetMetadata(BOOTSTRAP_ONLY, true),
    ApiForbiddenResponse({ description: 'Only a bootstrap key from API_KEYS may do this' }),
  );
