import { applyDecorators } from '@nestjs/common';
import { ApiProduces, ApiResponse } from '@nestjs/swagger';
import type { z } from 'zod';
import { responseBodyName } from './document-registry';
import { errorBody } from './error-body';
import { componentRef } from './openapi-schemas';

/** A success answer whose JSON body is a registered response body (see document-registry.ts). */
export const ApiJson = (status: 200 | 201 | 202, schema: z.ZodType, description: string) =>
  ApiResponse({
    status,
    description,
    content: { 'application/json': { schema: componentRef(responseBodyName(schema)) } },
  });

/** An error answer a route has beyond those every route shares (openapi.ts adds 401, 503, 413, …); its body is the ErrorBody. */
export const ApiError = (status: 400 | 404 | 409 | 410 | 429, description: string) =>
  ApiResponse({
    status,
    description,
    content: { 'application/json': { schema: componentRef(responseBodyName(errorBody)) } },
  });

/** A Server-Sent Events stream. */
export const ApiEventStream = (description: string) =>
  applyDecorators(
    ApiProduces('text/event-stream'),
    ApiResponse({
      status: 200,
      description,
      content: {
        'text/event-stream': {
          schema: { type: 'string', description: 'event: <name>\\ndata: <JSON>\\n\\n, repeated' },
        },
      },
    }),
  );

/** A file download. */
export const ApiFile = (description: string, mediaTypes: string[]) =>
  ApiResponse({
    status: 200,
    description,
    content: Object.fromEntries(mediaTypes.map((type) => [type, { schema: { type: 'string', format: 'binary' } }])),
  });
