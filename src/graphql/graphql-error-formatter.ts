import { HttpException } from '@nestjs/common';
import type { ExecutionResult, GraphQLError } from 'graphql';

interface FormattedError {
  message: string;
  locations?: unknown;
  path?: unknown;
  extensions: Record<string, unknown>;
}

const CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

/** The REST error as GraphQL: same text, plus its HTTP status and code in extensions. */
export function formatGraphQLError(error: GraphQLError): FormattedError {
  const original = error.originalError;
  if (original instanceof HttpException) {
    const status = original.getStatus();
    const body = original.getResponse();
    const messages = typeof body === 'object' && body && 'message' in body ? (body as { message: unknown }).message : original.message;
    const list = Array.isArray(messages) ? messages.map(String) : [String(messages)];
    return {
      message: list.join('; '),
      locations: error.locations,
      path: error.path,
      extensions: {
        code: CODES[status] ?? 'ERROR',
        status,
        errors: list,
        ...('retryAfterSeconds' in original ? { retryAfter: (original as { retryAfterSeconds: number }).retryAfterSeconds } : {}),
      },
    };
  }
  // GraphQL's own validation (unknown field, wrong type) is a client error too.
  const isSchemaError = !original;
  return {
    message: isSchemaError ? error.message : 'Internal server error',
    locations: error.locations,
    path: error.path,
    extensions: { code: isSchemaError ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR', status: isSchemaError ? 400 : 500 },
  };
}

/** Mercurius' errorFormatter: a request whose every error is a client error keeps that status. */
export function mercuriusErrorFormatter(result: ExecutionResult & { errors?: readonly GraphQLError[] }) {
  const errors = (result.errors ?? []).map(formatGraphQLError);
  const statuses = errors.map((e) => e.extensions.status as number);
  // Like Apollo: a GraphQL response is 200 when it carries data; 4xx only when nothing ran.
  // A dependency outage keeps its 503 (clients retry), as REST answers it.
  const statusCode = result.data ? 200 : statuses.length && (statuses.every((s) => s < 500) || statuses.every((s) => s === 503)) ? statuses[0] : 500;
  return { statusCode, response: { data: result.data ?? null, errors } };
}
