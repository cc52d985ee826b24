import type { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { parseRequest } from './parse-request';

/**
 * Validates a REST body or query, or a GraphQL argument, against its zod schema: the
 * handler gets the parsed value; a bad one is a 400 naming every problem by field.
 */
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.output<S> {
    return parseRequest(this.schema, value);
  }
}
