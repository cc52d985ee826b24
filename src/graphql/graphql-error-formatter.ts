import { HttpException, Logger } from '@nestjs/common';
import { ExecutionResult, GraphQLError } from 'graphql';

interface FormattedError {
  message: string;
  locations?: unknown;
  path?: unknown;
  extensions: Record<string, unknown>;
}

/** What Mercurius hands its errorFormatter as context (only the logger and reply are read). */
interface FormatterContext {
  reply?: { log: ErrorLog; header(name: string, value: string): unknown };
  app?: { log: ErrorLog };
}
interface ErrorLog {
  error(fields: object, message: string): void;
}

/** For errors formatted where Mercurius gives no request (a subscription's events). */
const nestLogger = new Logger('GraphQL');
const fallbackLog: ErrorLog = { error: (fields, message) => nestLogger.error(fields, message) };

const CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

const clientError = (
  status: number,
  message: string,
  error?: GraphQLError,
  extra: Record<string, unknown> = {},
): FormattedError => ({
  message,
  locations: error?.locations,
  path: error?.path,
  extensions: { code: CODES[status] ?? 'BAD_REQUEST', status, ...extra },
});

/** A status an error carries itself (Fastify's and Mercurius' errors set `statusCode`). */
const ownStatus = (error: unknown): number | undefined => {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
};

/**
 * One GraphQL error as the client sees it (a list: Mercurius wraps several validation
 * errors in one). Client errors keep their message and status:
 * - an HttpException (the REST errors, the key and limit checks) as REST words it;
 * - an error graphql-js made itself (syntax, unknown field, wrong argument or variable type);
 * - Mercurius' and Fastify's errors with a 4xx `statusCode` (MER_ERR_GQL_VALIDATION with its
 *   inner errors, MER_ERR_METHOD_NOT_ALLOWED, FST_ERR_CTP_* for empty, non-JSON or too large bodies).
 * Anything else is a server fault: "Internal server error" to the client, the stack in the log.
 */
export function formatGraphQLError(error: GraphQLError, log?: ErrorLog): FormattedError[] {
  const original = error.originalError;
  if (original instanceof HttpException) {
    const status = original.getStatus();
    const body = original.getResponse();
    const messages =
      typeof body === 'object' && body && 'message' in body ? (body as { message: unknown }).message : original.message;
    const list = Array.isArray(messages) ? messages.map(String) : [String(messages)];
    const retry =
      'retryAfterSeconds' in original
        ? { retryAfter: (original as { retryAfterSeconds: number }).retryAfterSeconds }
        : {};
    if (status < 500) return [clientError(status, list.join('; '), error, { errors: list, ...retry })];
    return [
      {
        message: list.join('; '),
        locations: error.locations,
        path: error.path,
        extensions: { code: CODES[status] ?? 'ERROR', status, errors: list, ...retry },
      },
    ];
  }
  // graphql-js' own errors, and a scalar's refusal of a value, which it wraps.
  if (!original || original instanceof GraphQLError) return [clientError(400, error.message, error)];
  const status = ownStatus(original);
  if (status !== undefined) {
    const inner = (original as { errors?: unknown }).errors;
    if (Array.isArray(inner) && inner.length > 0) {
      return inner.map((e: { message?: unknown; locations?: unknown }) => ({
        ...clientError(status, String(e?.message ?? original.message)),
        locations: e?.locations,
      }));
    }
    return [clientError(status, original.message, error)];
  }
  (log ?? fallbackLog).error({ err: original, path: error.path }, `GraphQL server error: ${original.message}`);
  return [
    {
      message: 'Internal server error',
      locations: error.locations,
      path: error.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR', status: 500 },
    },
  ];
}

/**
 * Mercurius' errorFormatter. A response that carries data is 200 (errors beside it, as
 * GraphQL does); when nothing ran it takes the errors' status: 4xx for the client's
 * mistakes (both for `application/json` and `application/graphql-response+json`), 500
 * only for a server fault, which is logged with its stack. A 405 says `Allow: POST`.
 */
export function mercuriusErrorFormatter(
  result: ExecutionResult & { errors?: readonly GraphQLError[] },
  context?: FormatterContext,
) {
  const log = context?.reply?.log ?? context?.app?.log;
  const errors = (result.errors ?? []).flatMap((error) => formatGraphQLError(error, log));
  const statuses = errors.map((e) => e.extensions.status as number);
  // Like Apollo: 200 when the response carries data. Otherwise the client's mistakes keep
  // their 4xx; a dependency outage keeps its 503 (clients retry), as REST answers it; any
  // other server fault is a 500.
  const statusCode = result.data
    ? 200
    : statuses.length > 0 && statuses.every((s) => s < 500)
      ? statuses[0]
      : statuses.length > 0 && statuses.every((s) => s === 503)
        ? 503
        : 500;
  if (statusCode === 405) context?.reply?.header('allow', 'POST');
  return { statusCode, response: { data: result.data ?? null, errors } };
}
