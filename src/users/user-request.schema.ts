import isEmail from 'validator/lib/isEmail';
import { z } from 'zod';
import { closedObject } from '../validation/request-fields';
import { FIELD } from '../validation/problem-lines';

/** The body of POST /api/users and GraphQL's createUser input; both fields trimmed. */
export const createUserRequestSchema = closedObject(
  {
    email: z
      .string({ error: 'must be an email address' })
      .trim()
      .refine((email) => isEmail(email), { error: 'must be an email address' })
      .max(320, { error: 'must be shorter than or equal to 320 characters' })
      .meta({ description: 'Their email address; a taken one is a conflict', example: 'ada@example.com' }),
    name: z
      .string({ error: 'must be a string' })
      .trim()
      .min(1, { error: 'should not be empty' })
      .max(200, { error: 'must be shorter than or equal to 200 characters' })
      .meta({ description: 'Their name', example: 'Ada Lovelace' }),
  },
  `property ${FIELD} should not exist`,
  'the body must be a JSON object',
).meta({ description: 'A user to create' });

export type CreateUserRequest = z.output<typeof createUserRequestSchema>;
