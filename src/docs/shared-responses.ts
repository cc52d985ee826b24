import type { OpenAPIObject, OperationObject, PathItemObject, ResponseObject } from '@nestjs/swagger';
import { responseBodyName } from './document-registry';
import { errorBody } from './error-body';
import { componentRef } from './openapi-schemas';
import { PUBLIC_EXTENSION } from './public-extension';

const errorContent = () => ({ 'application/json': { schema: componentRef(responseBodyName(errorBody)) } });
const retryAfter = () => ({
  'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer' as const } },
});

/**
 * The answers every route can give for the same reasons, added to each operation here
 * rather than by hand on each route, so a new route cannot leave them out: 401 without a
 * key, 403 for a key without the scope, 429 past the key's request rate, 400 for a malformed id, query or body, 404 for an unknown id, 413 for a body over
 * the limit, 503 with Retry-After when the database or Redis is away. Every error answer
 * gets the one ErrorBody schema, and 429 and 503 their Retry-After header.
 */
export function addSharedResponses(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths) as PathItemObject[]) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = item[method];
      if (operation) describeShared(operation, method);
    }
  }
}

function describeShared(operation: OperationObject, method: string): void {
  const responses = operation.responses as Record<string, ResponseObject>;
  const extensions = operation as OperationObject & Record<string, unknown>;
  const isPublic = Boolean(extensions[PUBLIC_EXTENSION]);
  delete extensions[PUBLIC_EXTENSION];
  const parameters = (operation.parameters ?? []) as Array<{ in: string; name: string }>;
  const reasons400: string[] = [];
  if (parameters.some((p) => p.in === 'path' && p.name === 'id')) reasons400.push('the id is not a UUID');
  if (parameters.some((p) => p.in === 'query'))
    reasons400.push('a query parameter is wrong (a filter, limit or cursor), naming it');
  if (operation.requestBody)
    reasons400.push('the body is not JSON, or has problems: one line per problem, naming the field');
  const add = (status: string, description: string) => {
    const existing = responses[status];
    responses[status] = existing
      ? { ...existing, description: [existing.description, description].filter(Boolean).join('; ') }
      : { description };
  };

  if (isPublic) operation.security = [];
  else {
    add('401', 'No API key, or one that is neither in API_KEYS nor a project key in force');
    // Every key may read; anything else needs `trigger` unless the route names another scope.
    if (method !== 'get' && !responses['403']) add('403', 'The key lacks the trigger scope this needs');
    add('429', "A project key over its request rate (its project's, or RATE_LIMIT_PER_SECOND / RATE_LIMIT_BURST)");
  }
  if (reasons400.length) add('400', reasons400.join('; '));
  if (parameters.some((p) => p.in === 'path' && p.name === 'id') && !responses['404']) add('404', 'No such id');
  if (operation.requestBody) add('413', 'The body is larger than the limit');
  if (!responses['503'])
    add('503', 'The database or Redis is unavailable: nothing was stored or done; try again after Retry-After');

  for (const [status, response] of Object.entries(responses)) {
    if (Number(status) < 400) continue;
    response.content ??= errorContent();
    // Every 503 carries Retry-After (api-http.ts adds it to any 503 that lacks it), public routes' too.
    if (status === '429' || status === '503') response.headers = { ...response.headers, ...retryAfter() };
  }
}
