import { createHmac, timingSafeEqual } from 'node:crypto';

/** What an event token opens: the live events of one run, scrape or suite, or a schedule's incident changes. */
export type EventTokenKind = 'run' | 'scrape' | 'suite' | 'schedule';
export const EVENT_TOKEN_KINDS: readonly EventTokenKind[] = ['run', 'scrape', 'suite', 'schedule'];

/** How long a token opens its stream: long enough to hand it to an EventSource, no longer. */
export const EVENT_TOKEN_TTL_MS = 60_000;

/** Tokens serve the SSE routes and nothing else: the purpose is signed into each one. */
const PURPOSE = 'sse';

/** The signer of tokens minted with a bootstrap key (API_KEYS); a project key signs with its id. */
export const BOOTSTRAP_SIGNER = 'env';

export interface EventTokenClaims {
  purpose: string;
  kind: EventTokenKind;
  id: string;
  /** The project whose resource it opens. */
  project: string;
  /** Which key signed it: a project key's id, or BOOTSTRAP_SIGNER. */
  signer: string;
  /** Expiry, milliseconds since the epoch. */
  exp: number;
}

/**
 * A token is signed with a key derived from the SHA-256 of the API key that asked for it
 * (what the database keeps of a project key), so every API instance can check it without
 * shared state, and revoking the key (or removing it from API_KEYS) voids its tokens.
 */
const signingKey = (keyHash: Buffer) => createHmac('sha256', keyHash).update('stevedore event token v2').digest();
const sign = (payload: string, keyHash: Buffer) => createHmac('sha256', signingKey(keyHash)).update(payload).digest();

/** A token for the live events of `kind` `id` of `project`, signed with the hash of the key that asked. */
export function mintEventToken(
  keyHash: Buffer,
  signer: string,
  target: { project: string; kind: EventTokenKind; id: string },
  now = Date.now(),
): { token: string; expiresAt: Date } {
  const exp = now + EVENT_TOKEN_TTL_MS;
  const claims: EventTokenClaims = { purpose: PURPOSE, ...target, signer, exp };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return { token: `${payload}.${sign(payload, keyHash).toString('base64url')}`, expiresAt: new Date(exp) };
}

/** The claims a token states, unverified (to find which key to check it with); undefined when it is no token. */
export function eventTokenClaims(token: string): EventTokenClaims | undefined {
  const [payload, signature, ...rest] = token.split('.');
  if (!payload || !signature || rest.length > 0 || payload.length > 1024) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<EventTokenClaims>;
    const fields = [claims.purpose, claims.kind, claims.id, claims.project, claims.signer];
    if (fields.some((field) => typeof field !== 'string') || typeof claims.exp !== 'number') return undefined;
    return claims as EventTokenClaims;
  } catch {
    return undefined;
  }
}

export type EventTokenCheck = { ok: true; claims: EventTokenClaims } | { ok: false; reason: string };

/**
 * Whether `token` opens the live events of `kind` `id` now: signed with one of `keyHashes`
 * (the signer's), for SSE, for that very resource, not expired. Every hash is tried (no
 * early exit), so the time taken says nothing about which key signed it.
 */
export function checkEventToken(
  token: string,
  keyHashes: readonly Buffer[],
  kind: EventTokenKind,
  id: string,
  now = Date.now(),
): EventTokenCheck {
  const claims = eventTokenClaims(token);
  if (!claims) return { ok: false, reason: 'The token is not an event token' };
  const [payload, signature] = token.split('.');
  const given = Buffer.from(signature, 'base64url');
  let signed = false;
  for (const keyHash of keyHashes) {
    const expected = sign(payload, keyHash);
    signed = (given.length === expected.length && timingSafeEqual(given, expected)) || signed;
  }
  if (!signed) return { ok: false, reason: 'The token is not an event token' };
  if (claims.purpose !== PURPOSE || claims.kind !== kind || claims.id !== id)
    return { ok: false, reason: `The token is not for the events of this ${kind}` };
  if (!(claims.exp > now))
    return { ok: false, reason: 'The token has expired: ask POST /api/events/tokens for a new one' };
  return { ok: true, claims };
}
