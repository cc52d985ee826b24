import { DECORATORS, type SchemaObject } from '@nestjs/swagger';
import { z } from 'zod';
import { parseEnv } from '../config/env.schema';
import { EmailsController } from '../emails/emails.controller';
import { sendEmailRequestSchema } from '../emails/email-request.schema';
import { definitionLimits, MAX_STEPS, runDefinitionSchema } from '../runs/run-definition';
import { RunsController } from '../runs/runs.controller';
import { registeredRequestBodies } from './document-registry';
import { schemaComponents } from './openapi-schemas';

const env = parseEnv({
  API_KEYS: 'key-0123456789abcdef',
  BULL_BOARD_PASSWORD: 'password123',
  TEST_EXECUTION_TIMEOUT_MS: '90000',
});
const components = schemaComponents(registeredRequestBodies(env));

/** The schema the route's @ApiBody documents, its $ref followed into the components. */
function documentedBody(method: object): SchemaObject {
  const parameters = Reflect.getMetadata(DECORATORS.API_PARAMETERS, method) as Array<{
    in: string;
    schema: { $ref: string };
  }>;
  const body = parameters.find((parameter) => parameter.in === 'body');
  return components[body!.schema.$ref.split('/').pop()!];
}

const jsonSchemaOf = (schema: z.ZodType) => z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input' });

/** Drops what the document leaves out of zod's JSON Schema (ids, patterns that restate a format). */
const withoutNoise = (schema: unknown): unknown =>
  JSON.parse(JSON.stringify(schema, (key, value: unknown) => (key === 'pattern' || key === '$id' ? undefined : value)));

describe('the documented request bodies', () => {
  it('are the JSON Schema of the zod schema that validates POST /api/runs, with the configured limits', () => {
    const documented = documentedBody(RunsController.prototype.create);
    expect(withoutNoise(documented)).toEqual(withoutNoise(jsonSchemaOf(runDefinitionSchema(definitionLimits(env)))));
    // Changing a rule changes the document: the step limit, and the timeout from the config.
    const properties = documented.properties as Record<string, SchemaObject>;
    expect(properties.steps.maxItems).toBe(MAX_STEPS);
    const options = properties.options.properties as Record<string, SchemaObject>;
    expect(options.timeoutMs.maximum).toBe(90000);
  });

  it('are the JSON Schema of the zod schema that validates POST /api/emails', () => {
    const documented = documentedBody(EmailsController.prototype.send);
    expect(withoutNoise(documented)).toEqual(withoutNoise(jsonSchemaOf(sendEmailRequestSchema)));
    expect(documented.required).toEqual(['to']);
    expect(Object.keys(documented.properties ?? {})).toEqual([
      'to',
      'template',
      'variables',
      'subject',
      'text',
      'html',
    ]);
  });

  it('refer only to schemas the document has', () => {
    const refs = JSON.stringify(components).match(/#\/components\/schemas\/\w+/g) ?? [];
    expect(refs.filter((ref) => !(ref.split('/').pop()! in components))).toEqual([]);
  });
});
