import { isUUID } from 'class-validator';
import type { LiveKind } from './live-update';

const FIELDS: Record<string, LiveKind> = { runId: 'run', scrapeId: 'scrape', emailId: 'email', suiteId: 'suite' };

/** Reads a socket `subscribe` body: exactly one of `runId`, `scrapeId`, `emailId`, `suiteId`, a UUID. */
export function parseLiveTarget(body: unknown): { kind: LiveKind; id: string } | { error: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { error: 'subscribe expects an object: { runId } or { scrapeId }' };
  const given = Object.keys(FIELDS).filter((field) => (body as Record<string, unknown>)[field] !== undefined);
  if (given.length !== 1) return { error: `subscribe expects exactly one of ${Object.keys(FIELDS).join(', ')}` };
  const [field] = given;
  const id = (body as Record<string, unknown>)[field];
  if (typeof id !== 'string' || !isUUID(id)) return { error: `${field} must be a UUID` };
  return { kind: FIELDS[field], id };
}
