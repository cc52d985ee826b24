import type { Type } from '@nestjs/common';
import { LazyMetadataStorage } from '@nestjs/graphql/dist/schema-builder/storages/lazy-metadata.storage.js';
import { TypeMetadataStorage } from '@nestjs/graphql/dist/schema-builder/storages/type-metadata.storage.js';
import { z } from 'zod';
import { SendEmailInput } from '../emails/dto/send-email.input';
import { BatchEmailInput, SendEmailBatchInput } from '../emails/dto/send-email-batch.input';
import { sendEmailBatchRequestSchema, sendEmailRequestSchema } from '../emails/email-request.schema';
import { RunOptionsInput, RunStepInput, ScriptInput, TriggerRunInput } from '../runs/dto/trigger-run.input';
import { runDefinitionSchema } from '../runs/run-definition';
import { createAlertChannelRequestSchema } from '../monitors/alert-channel-request';
import { CreateAlertChannelInput } from '../monitors/dto/create-alert-channel.input';
import { StartScrapeInput } from '../scrapes/dto/start-scrape.input';
import { scrapeRequestSchema } from '../scrapes/scrape-request';
import { TriggerSuiteInput } from '../suites/dto/trigger-suite.input';
import { suiteRequestSchema } from '../suites/suite-request';
import { CreateUserInput } from '../users/dto/create-user.input';
import { createUserRequestSchema } from '../users/user-request.schema';

type JsonSchema = { properties?: Record<string, JsonSchema>; items?: JsonSchema };

/** The fields a request schema takes, as its JSON Schema lists them (`at` follows a nested object). */
function schemaFields(schema: z.ZodType, ...at: string[]): string[] {
  let json = z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input' }) as JsonSchema;
  for (const field of at) json = field === 'items' ? json.items! : json.properties![field];
  return Object.keys(json.properties ?? {}).sort();
}

/** The fields GraphQL's input type has, its parent class's included (BatchEmailInput extends SendEmailInput). */
function graphqlFields(input: Type): string[] {
  LazyMetadataStorage.load([input]);
  TypeMetadataStorage.compile();
  const fields: string[] = [];
  for (let type = input; type && type !== Object.prototype.constructor; type = Object.getPrototypeOf(type) as Type) {
    const metadata = TypeMetadataStorage.getInputTypeMetadataByTarget(type);
    fields.push(...(metadata?.properties ?? []).map((property) => property.name));
  }
  return [...new Set(fields)].sort();
}

/**
 * GraphQL needs classes for its input types; the zod schemas check them. These classes
 * only give GraphQL its shape, so a field added to one side must be added to the other.
 */
describe('GraphQL input types have the fields of the request schemas', () => {
  const limits = { maxTimeoutMs: 60000 };
  it.each([
    ['TriggerRunInput', TriggerRunInput, runDefinitionSchema(limits), []],
    ['RunStepInput', RunStepInput, runDefinitionSchema(limits), ['steps', 'items']],
    ['RunOptionsInput', RunOptionsInput, runDefinitionSchema(limits), ['options']],
    ['ScriptInput', ScriptInput, runDefinitionSchema(limits), ['script']],
    ['TriggerSuiteInput', TriggerSuiteInput, suiteRequestSchema(10), []],
    ['StartScrapeInput', StartScrapeInput, scrapeRequestSchema(limits), []],
    ['SendEmailInput', SendEmailInput, sendEmailRequestSchema, []],
    ['SendEmailBatchInput', SendEmailBatchInput, sendEmailBatchRequestSchema, []],
    ['BatchEmailInput', BatchEmailInput, sendEmailBatchRequestSchema, ['emails', 'items']],
    ['CreateUserInput', CreateUserInput, createUserRequestSchema, []],
    ['CreateAlertChannelInput', CreateAlertChannelInput, createAlertChannelRequestSchema, []],
  ] as Array<[string, Type, z.ZodType, string[]]>)('%s', (_name, input, schema, at) => {
    expect(graphqlFields(input)).toEqual(schemaFields(schema, ...at));
  });
});
