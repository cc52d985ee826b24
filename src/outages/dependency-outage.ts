import { ServiceUnavailableException } from '@nestjs/common';

/** Connection-level failures of PostgreSQL (SQLSTATE class 08, 57P0x) or Redis: an outage, not a bug. */
const PG_OUTAGE_CODES = new Set(['08000', '08001', '08003', '08004', '08006', '57P01', '57P02', '57P03']);
const NET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
]);
/** Error classes of ioredis and BullMQ that mean "no connection", whatever their message says. */
const NAMES = new Set(['MaxRetriesPerRequestError', 'ConnectionClosedError']);
const MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Connection is closed/i,
  /Reached the max retries per request/i,
  /terminating connection due to administrator command/i,
  // ioredis with its offline queue off, while it has no connection.
  /Stream isn't writeable/i,
  /Command timed out/i,
];
const PG_MESSAGES = [/Connection terminated/i, /timeout exceeded when trying to connect/i, /terminating connection/i];

type ErrorLike =
  { code?: string; name?: string; message?: string; driverError?: { code?: string; message?: string } } | undefined;

export function isDependencyOutage(error: unknown): boolean {
  const e = error as ErrorLike;
  if (!e || typeof e !== 'object') return false;
  const code = e.driverError?.code ?? e.code;
  if (code && (PG_OUTAGE_CODES.has(code) || NET_CODES.has(code))) return true;
  if (e.name && NAMES.has(e.name)) return true;
  const message = `${e.message ?? ''} ${e.driverError?.message ?? ''}`;
  return MESSAGES.some((pattern) => pattern.test(message));
}

/** Which dependency an outage error came from, as far as the error tells (PostgreSQL's have a SQLSTATE or pg's wording). */
export function outageSource(error: unknown): 'database' | 'redis' {
  const e = error as ErrorLike;
  if (e?.driverError || (e?.code && PG_OUTAGE_CODES.has(e.code))) return 'database';
  return PG_MESSAGES.some((pattern) => pattern.test(e?.message ?? '')) ? 'database' : 'redis';
}

/** 503 with Retry-After: the request was not carried out; the same request later will be. */
export class DependencyUnavailableException extends ServiceUnavailableException {
  readonly retryAfterSeconds = 5;

  constructor(
    message = 'A service the API depends on (the database or Redis) is unavailable; the request was not carried out. Try again shortly.',
  ) {
    super(message);
  }
}
