import { BadRequestException } from '@nestjs/common';
import { isObject } from '../validation/body-checks';
import type { EventTokenKind } from './event-token';

const FIELDS: Record<string, EventTokenKind> = { runId: 'run', scrapeId: 'scrape', suiteId: 'suite' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads `{ runId } | { scrapeId } | { suiteId }`; a 400 names what is wrong. */
export function parseEventTokenRequest(body: unknown): { kind: EventTokenKind; id: string } {
  if (!isObject(body))
    throw new BadRequestException(['the body must be a JSON object: { runId } or { scrapeId } or { suiteId }']);
  const unknown = Object.keys(body).filter((key) => !(key in FIELDS));
  const given = Object.keys(body).filter((key) => key in FIELDS);
  const problems = unknown.map(
    (key) => `${key} is not a field of an event token request (use runId, scrapeId or suiteId)`,
  );
  if (given.length !== 1) problems.push('give exactly one of runId, scrapeId or suiteId');
  for (const key of given) {
    const value = body[key];
    if (typeof value !== 'string' || !UUID.test(value)) problems.push(`${key} must be a UUID`);
  }
  if (problems.length > 0) throw new BadRequestException(problems);
  return { kind: FIELDS[given[0]], id: (body[given[0]] as string).toLowerCase() };
}
