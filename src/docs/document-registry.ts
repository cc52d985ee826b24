import type { z } from 'zod';
import type { Env } from '../config/env.schema';

/**
 * The schemas the OpenAPI document names, registered by the features that own them: a
 * response body where it is defined, a request body by the controller that validates it.
 * The document is built after every controller is loaded, so it sees them all, and docs/
 * needs to know no feature.
 */
const responseBodies = new Map<string, z.ZodType>();
const responseNames = new WeakMap<z.ZodType, string>();
const requestBodies = new Map<string, (env: Env) => z.ZodType>();

/** Registers a response body under `name` (its component in the document); returns the schema. */
export function responseBody<T extends z.ZodType>(name: string, schema: T): T {
  if (responseBodies.has(name)) throw new Error(`Two response bodies are named ${name}`);
  responseBodies.set(name, schema);
  responseNames.set(schema, name);
  return schema;
}

/** The component name a registered response body has. */
export function responseBodyName(schema: z.ZodType): string {
  const name = responseNames.get(schema);
  if (!name) throw new Error('A documented response body must be registered with responseBody()');
  return name;
}

/**
 * Registers a request body under `name`; `build` gives the very schema that validates it,
 * with the limits this instance is configured with. Returns the name, for @ApiRequestBody.
 */
export function requestBody(name: string, build: (env: Env) => z.ZodType): string {
  if (requestBodies.has(name)) throw new Error(`Two request bodies are named ${name}`);
  requestBodies.set(name, build);
  return name;
}

export const registeredResponseBodies = (): Record<string, z.ZodType> => Object.fromEntries(responseBodies);

export const registeredRequestBodies = (env: Env): Record<string, z.ZodType> =>
  Object.fromEntries([...requestBodies].map(([name, build]) => [name, build(env)]));
