type Schema = Record<string, unknown>;

/**
 * Whether `value` fits an OpenAPI 3.0 schema, for the document's own examples: types,
 * nullable, enum, anyOf/oneOf, arrays, object properties and required, $ref into
 * components, and the uuid and date-time formats. Returns the problems ([] when it fits).
 */
export function schemaProblems(
  value: unknown,
  schema: Schema,
  components: Record<string, Schema>,
  at = 'example',
): string[] {
  if (typeof schema.$ref === 'string')
    return schemaProblems(value, components[schema.$ref.split('/').pop()!]!, components, at);
  if (value === null) return schema.nullable ? [] : [`${at} is null`];
  const alternatives = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (alternatives)
    return alternatives.some((s) => schemaProblems(value, s, components, at).length === 0)
      ? []
      : [`${at} fits none of its alternatives`];
  if (Array.isArray(schema.enum) && !schema.enum.includes(value))
    return [`${at} is not one of ${schema.enum.join(', ')}`];
  switch (schema.type) {
    case 'string':
      if (typeof value !== 'string') return [`${at} is not a string`];
      if (schema.format === 'uuid' && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value))
        return [`${at} is not a uuid`];
      if (schema.format === 'date-time' && Number.isNaN(Date.parse(value))) return [`${at} is not a date-time`];
      return [];
    case 'integer':
      return Number.isInteger(value) ? [] : [`${at} is not an integer`];
    case 'number':
      return typeof value === 'number' ? [] : [`${at} is not a number`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${at} is not a boolean`];
    case 'array':
      return Array.isArray(value)
        ? value.flatMap((item, i) =>
            schema.items ? schemaProblems(item, schema.items as Schema, components, `${at}[${i}]`) : [],
          )
        : [`${at} is not an array`];
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return [`${at} is not an object`];
      const record = value as Record<string, unknown>;
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      const missing = ((schema.required ?? []) as string[])
        .filter((key) => !(key in record))
        .map((key) => `${at}.${key} is missing`);
      return [
        ...missing,
        ...Object.entries(record).flatMap(([key, v]) =>
          properties[key] ? schemaProblems(v, properties[key], components, `${at}.${key}`) : [],
        ),
      ];
    }
    default:
      return [];
  }
}

/** Every `example` in a schema tree, with the schema it sits on and where. */
export function examplesIn(
  node: unknown,
  at: string,
  found: Array<{ at: string; example: unknown; schema: Schema }> = [],
) {
  if (Array.isArray(node)) node.forEach((child, i) => examplesIn(child, `${at}[${i}]`, found));
  else if (node && typeof node === 'object') {
    const schema = node as Schema;
    if ('example' in schema && ('type' in schema || '$ref' in schema || 'anyOf' in schema || 'oneOf' in schema))
      found.push({ at, example: schema.example, schema });
    for (const [key, child] of Object.entries(schema)) if (key !== 'example') examplesIn(child, `${at}.${key}`, found);
  }
  return found;
}
