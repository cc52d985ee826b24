import type { SchemaObject } from '@nestjs/swagger';
import { z } from 'zod';
import { registeredResponseBodies } from './document-registry';

/** A $ref to a component of the document. */
export const componentRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });

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
 * Zod schemas as OpenAPI 3.0 components, as they go over the wire (zod's "input" side: a
 * date is a string, format date-time); a schema used inside another is a $ref to it.
 */
export function schemaComponents(schemasByName: Record<string, z.ZodType>): Record<string, SchemaObject> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemasByName)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    target: 'openapi-3.0',
    io: 'input',
    uri: (id) => componentRef(id).$ref,
  });
  tidy(schemas);
  return schemas as Record<string, SchemaObject>;
}

/** The registered response bodies (each feature's, and the ErrorBody) as components. */
export const responseSchemaComponents = (): Record<string, SchemaObject> =>
  schemaComponents(registeredResponseBodies());
