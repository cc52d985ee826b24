import { z } from 'zod';
import { responseBody } from './document-registry';

/**
 * The one error body of every REST answer that is not 2xx: Nest's HttpException body, the
 * 429 and 503 filters' bodies and Fastify's own (413, malformed JSON) all have this shape.
 */
export const errorBody = responseBody(
  'ErrorBody',
  z
    .object({
      statusCode: z.number().int().meta({ example: 400 }),
      error: z.string().meta({ description: "The status's name", example: 'Bad Request' }),
      message: z.union([z.string(), z.array(z.string())]).meta({
        description:
          'What is wrong: one sentence, or for a body or query with several problems one line per problem, naming the field',
        example: ['steps[2].selector is required for click'],
      }),
      code: z.string().optional().meta({
        description: "Fastify's error code, on errors it raises before the route (413, a body that is not JSON)",
        example: 'FST_ERR_CTP_BODY_TOO_LARGE',
      }),
    })
    .meta({ description: 'Every 4xx and 5xx answer' }),
);

export type ErrorBody = z.output<typeof errorBody>;
