import { z } from 'zod';

/** The body of POST /api/session. */
export const signInRequestSchema = z
  .object({
    key: z
      .string({ error: 'must be a string: a project key (stv_…) or a key from API_KEYS' })
      .min(1, 'must not be empty')
      .max(200, 'is longer than any key'),
  })
  .strict();

export type SignInRequest = z.output<typeof signInRequestSchema>;
