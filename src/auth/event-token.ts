import { createHmac, timingSafeEqual } from 'node:crypto';

/** What an event token opens: the live events of one run, scrape or suite. */
export type EventTokenKind = 'run' | 'scrape' | 'suite';
export const EVENT_TOKEN_KINDS: readonly EventTokenKind[] = ['run', 'scrape', 'suite'];

/** How long a token opens its stream: long enough to hand it to an EventSource, no longer. */
export const EVENT_TOKEN_TTL_MS = 60_000;

/** Tokens serve the SSE routes and nothing else: the purpose is signed into each one. */
const PURPOSE = 'sse';

interface Claims {
  purpose: string;
  kind: EventTokenKind;
  id: string;
  /** Expiry, milliseconds since the epoch. */
  exp: number;
}

/**
 * The signing key of tokens minted with one API key. Derived from the key, so every API
 * instance with the same API_KEYS accepts every other's tokens without sharing state, and
 * removing a key from API_KEYS voids the tokens minted with it.
 */
const signingKey = (apiKey: string) => createHmac('sha256', apiKey).update('stevedore event token v1').digest();
const sign = (payload: string, apiKey: string) => createHmac('sha256', signingKey(apiKey)).update(payload).digest();

/** A token for the live events of `kind` `id`, signed with the API key that asked for it. */
export function mintEventToken(
  apiKey: string,
  kind: EventTokenKind,
  id: string,
  now = Date.now(),
): { token: string; expiresAt: Date } {
  const exp = now + EVENT_TOKEN_TTL_MS;
  const claims: Claims = { purpose: PURPOSE, kind, id, exp };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return { token: `${payload}.${sign(payload, apiKey).toString('base64url')}`, expiresAt: new Date(exp) };
}

export type EventTokenCheck = { ok: true } | { ok: false; reason: string };

/**
 * Whether `token` opens the live events of `kind` `id` now: signed by a key of `apiKeys`,
 * for SSE, for that very resource, not expired. Every key is tried (no early exit), so
 * the time taken says nothing about which key signed it.
 */
export function checkEventToken(
  token: string,
  apiKeys: readonly string[],
  kind: EventTokenKind,
  id: string,
  now = Date.now(),
): EventTokenCheck {
  const [payload, signature, ...rest] = token.split('.');
  if (!payload || !signature || rest.length > 0) return { ok: false, reason: 'The token is not an event token' };
  const given = Buffer.from(signature, 'base64url');
  let signed = false;
  for (const apiKey of apiKeys) {
    const expected = sign(payload, apiKey);
    signed = (given.length === expected.length && timingSafeEqual(given, expected)) || signed;
  }
  if (!signed) return { ok: false, reason: 'The token is not an event token' };
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Claims;
  if (claims.purpose !== PURPOSE || claims.kind !== kind || claims.id !== id)
    return { ok: false, reason: `The token is not for the events of this ${kind}` };
  if (!(claims.exp > now))
    return { ok: false, reason: 'The token has expired: ask POST /api/events/tokens for a new one' };
  return { ok: true };
}
