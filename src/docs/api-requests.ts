import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiQuery, type ExamplesObject, type SchemaObject } from '@nestjs/swagger';
import { z } from 'zod';
import { componentRef } from './openapi-schemas';

/**
 * A JSON body whose schema is the request body registered under that name (requestBody()),
 * with whole-body examples; `required: false` where no body at all means the defaults.
 */
export const ApiRequestBody = (name: string, examples: ExamplesObject, { required = true } = {}) =>
  ApiBody({ required, schema: componentRef(name), examples });

/** The query parameters of a query schema, each as the schema documents it. */
export function ApiQueryFrom(schema: z.ZodType): MethodDecorator {
  const json = z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input' }) as SchemaObject;
  const required = new Set(json.required ?? []);
  const parameters = Object.entries((json.properties ?? {}) as Record<string, SchemaObject>).map(([name, property]) => {
    const { description, ...parameter } = property;
    return ApiQuery({ name, required: required.has(name), description, schema: parameter });
  });
  return applyDecorators(...parameters);
}
