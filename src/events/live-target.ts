import { z } from 'zod';
import { checkRequest } from '../validation/parse-request';
import type { LiveKind } from './live-update';

const FIELDS: Record<string, LiveKind> = { runId: 'run', scrapeId: 'scrape', emailId: 'email', suiteId: 'suite' };
const NAMES = Object.keys(FIELDS);
const id = z.guid({ error: 'must be a UUID' }).optional();

/**
 * A socket `subscribe` body: exactly one of `runId`, `scrapeId`, `emailId`, `suiteId`, a
 * UUID. Other fields are ignored. Which id is given is checked before the id itself.
 */
const liveTargetSchema = z
  .record(z.string(), z.unknown(), { error: 'subscribe expects an object: { runId } or { scrapeId }' })
  .refine((body) => NAMES.filter((field) => body[field] !== undefined).length === 1, {
    error: `subscribe expects exactly one of ${NAMES.join(', ')}`,
  })
  .pipe(z.looseObject({ runId: id, scrapeId: id, emailId: id, suiteId: id }))
  .transform((body) => {
    const field = NAMES.find((name) => body[name] !== undefined) as string;
    return { kind: FIELDS[field], id: body[field] as string };
  });

/** Reads a socket `subscribe` body; the error is its first problem. */
export function parseLiveTarget(body: unknown): { kind: LiveKind; id: string } | { error: string } {
  const { data, errors } = checkRequest(liveTargetSchema, body);
  return data ?? { error: errors[0] };
}
