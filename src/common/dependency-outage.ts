import { ServiceUnavailableException } from '@nestjs/common';

/** Connection-level failures of PostgreSQL (SQLSTATE class 08, 57P0x) or Redis: an outage, not a bug. */
const PG_OUTAGE_CODES = new Set(['08000', '08001', '08003', '08004', '08006', '57P01', '57P02', '57P03']);
const NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const MESSAGES = [/Connection terminated/i, /timeout exceeded when trying to connect/i, /Connection is closed/i, /Reached the max retries per request/i, /terminating connection due to administrator command/i];

export function isDependencyOutage(error: unknown): boolean {
  const e = error as { code?: string; name?: string; message?: string; driverError?: { code?: string; message?: string } } | undefined;
  if (!e || typeof e !== 'object') return false;
  const code = e.driverError?.code ?? e.code;
  if (code && (PG_OUTAGE_CODES.has(code) || NET_CODES.has(code))) return true;
  if (e.name === 'MaxRetriesPerRequestError') return true;
  const message = `${e.message ?? ''} ${e.driverError?.message ?? ''}`;
  return MESSAGES.some((pattern) => pattern.test(message));
}

/** 503 with Retry-After: the request was not carried out; the same request later will be. */
export class DependencyUnavailableException extends ServiceUnavailableException {
  readonly retryAfterSeconds = 5;

  constructor() {
    super('A service the API depends on (the database or Redis) is unavailable; the request was not carried out. Try again shortly.');
  }
}
