import type { SchemaObject } from '@nestjs/swagger';
import { z } from 'zod';
import { errorBody } from './error-body';
import * as bodies from './response-bodies';

/** Every response schema by its name in the document's components. */
export const RESPONSE_SCHEMAS = {
  ErrorBody: errorBody,
  RunStep: bodies.runStepBody,
  RunArtifact: bodies.runArtifactBody,
  Run: bodies.runBody,
  RunDetail: bodies.runDetailBody,
  RunCreated: bodies.runCreatedBody,
  RunCancel: bodies.runCancelBody,
  RunPage: bodies.runPageBody,
  Suite: bodies.suiteBody,
  SuiteDetail: bodies.suiteDetailBody,
  SuiteCreated: bodies.suiteCreatedBody,
  SuitePage: bodies.suitePageBody,
  Scrape: bodies.scrapeBody,
  ScrapeCreated: bodies.scrapeCreatedBody,
  ScrapeCancel: bodies.scrapeCancelBody,
  ScrapedPage: bodies.scrapedPageBody,
  ScrapedPagePage: bodies.scrapedPagePageBody,
  Schedule: bodies.scheduleBody,
  SchedulePage: bodies.schedulePageBody,
  Email: bodies.emailBody,
  EmailAccepted: bodies.emailAcceptedBody,
  User: bodies.userBody,
  DeadLetter: bodies.deadLetterBody,
  DeadLetterPage: bodies.deadLetterPageBody,
  Worker: bodies.workerBody,
  WorkerList: bodies.workerListBody,
} as const;

export type ResponseSchemaName = keyof typeof RESPONSE_SCHEMAS;

export const schemaRef = (name: ResponseSchemaName) => ({ $ref: `#/components/schemas/${name}` });

/** zod's JSON Schema noise that OpenAPI tools do not need: ids, and regexes that only restate a format. */
function tidy(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(tidy);
  if (!node || typeof node !== 'object') return;
  const schema = node as Record<string, unknown>;
  delete schema.$id;
  if (schema.format) delete schema.pattern;
  if (
    schema.type === 'integer' &&
    schema.minimum === Number.MIN_SAFE_INTEGER &&
    schema.maximum === Number.MAX_SAFE_INTEGER
  ) {
    delete schema.minimum;
    delete schema.maximum;
  }
  Object.values(schema).forEach(tidy);
}

/**
 * The components as OpenAPI 3.0 schemas, as they go over the wire (zod's "input" side: a
 * date is a string, format date-time); a schema used inside another is a $ref to it.
 */
export function responseSchemaComponents(): Record<string, SchemaObject> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(RESPONSE_SCHEMAS)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    target: 'openapi-3.0',
    io: 'input',
    uri: (id) => schemaRef(id as ResponseSchemaName).$ref,
  });
  tidy(schemas);
  return schemas as Record<string, SchemaObject>;
}
