import { z } from 'zod';
import { isObject } from '../validation/body-checks';
import { parseRequest } from '../validation/parse-request';
import { closedObject } from '../validation/request-fields';
import type { EventTokenKind } from './event-token';

const FIELDS: Record<string, EventTokenKind> = {
  runId: 'run',
  scrapeId: 'scrape',
  suiteId: 'suite',
  scheduleId: 'schedule',
};
const NAMES = Object.keys(FIELDS);
const streamId = (path: string) =>
  z
    .guid({ error: 'must be a UUID' })
    .optional()
    .meta({ description: `a token for GET /api/${path}/{id}/events` });

/** The body of POST /api/events/tokens: `{ runId } | { scrapeId } | { suiteId } | { scheduleId }`. */
export const eventTokenRequestSchema = closedObject(
  {
    runId: streamId('runs'),
    scrapeId: streamId('scrapes'),
    suiteId: streamId('suites'),
    scheduleId: streamId('schedules'),
  },
  'is not a field of an event token request (use runId, scrapeId, suiteId or scheduleId)',
  'the body must be a JSON object: { runId } or { scrapeId } or { suiteId } or { scheduleId }',
)
  .superRefine(
    (body, ctx) => {
      if (NAMES.filter((field) => field in body).length !== 1)
        ctx.addIssue({ code: 'custom', message: 'give exactly one of runId, scrapeId, suiteId or scheduleId' });
    },
    { when: (payload) => isObject(payload.value) },
  )
  .transform((body) => {
    const field = NAMES.find((name) => body[name as keyof typeof body] !== undefined) as keyof typeof body;
    return { kind: FIELDS[field], id: (body[field] as string).toLowerCase() };
  })
  .meta({ description: 'The stream a token is for: exactly one of the four ids' });

/** Reads `{ runId } | { scrapeId } | { suiteId } | { scheduleId }`; a 400 names what is wrong. */
export function parseEventTokenRequest(body: unknown): { kind: EventTokenKind; id: string } {
  return parseRequest(eventTokenRequestSchema, body);
}
