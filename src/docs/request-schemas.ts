import type { SchemaObject } from '@nestjs/swagger';
import { eventTokenRequestSchema } from '../auth/event-token-request';
import type { Env } from '../config/env.schema';
import { sendEmailRequestSchema } from '../emails/email-request.schema';
import { definitionLimits, runDefinitionSchema } from '../runs/run-definition';
import { scheduleRequestSchema, scheduleRules } from '../schedules/schedule-request';
import { scrapeLimits, scrapeRequestSchema } from '../scrapes/scrape-request';
import { maxTestsOf, suiteRequestSchema } from '../suites/suite-request';
import { createUserRequestSchema } from '../users/user-request.schema';
import { schemaComponents } from './openapi-schemas';

/**
 * Every request body's schema by its name in the document's components: the very schemas
 * that validate the bodies, with the limits this instance is configured with, so the
 * document cannot say other than what is checked.
 */
export const requestSchemas = (env: Env) => ({
  TriggerRunInput: runDefinitionSchema(definitionLimits(env)),
  TriggerSuiteInput: suiteRequestSchema(maxTestsOf(env)),
  StartScrapeInput: scrapeRequestSchema(scrapeLimits(env)),
  CreateScheduleInput: scheduleRequestSchema(scheduleRules(env)),
  SendEmailInput: sendEmailRequestSchema,
  CreateUserInput: createUserRequestSchema,
  EventTokenInput: eventTokenRequestSchema,
});

export type RequestSchemaName = keyof ReturnType<typeof requestSchemas>;

/** The request bodies as components. */
export const requestSchemaComponents = (env: Env): Record<string, SchemaObject> =>
  schemaComponents(requestSchemas(env));
