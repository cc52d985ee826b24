import { z } from 'zod';
import { closedObject } from '../validation/request-fields';
import { FIELD } from '../validation/problem-lines';
import { secretNameField } from './secret-name';

/** The most a value may hold, in bytes of UTF-8: tokens, passwords, a key file, not data. */
export const SECRET_VALUE_MAX_BYTES = 8192;

/**
 * A secret's value. No message repeats it: a 400 says what is wrong, never what was sent.
 * A NUL is refused because an environment variable cannot hold one.
 */
export const secretValueField = () =>
  z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
    .min(1, { error: 'should not be empty' })
    // Characters first (cheap, and documented as maxLength), then the bytes they take.
    .max(SECRET_VALUE_MAX_BYTES, { error: `must be at most ${SECRET_VALUE_MAX_BYTES} bytes of UTF-8` })
    .refine((value) => Buffer.byteLength(value, 'utf8') <= SECRET_VALUE_MAX_BYTES, {
      error: `must be at most ${SECRET_VALUE_MAX_BYTES} bytes of UTF-8`,
    })
    .refine((value) => !value.includes('\u0000'), {
      error: 'must not contain a NUL character: an environment variable cannot hold one',
    })
    .meta({
      description: `The value, stored encrypted and never returned: 1 to ${SECRET_VALUE_MAX_BYTES} bytes of UTF-8`,
      example: 'correct horse battery staple',
    });

/** The body of POST /api/secrets. */
export const putSecretRequestSchema = closedObject(
  { name: secretNameField(), value: secretValueField() },
  `property ${FIELD} should not exist`,
  'the body must be a JSON object',
).meta({ description: 'A secret to store, or to replace when one has this name' });

export type PutSecretRequest = z.output<typeof putSecretRequestSchema>;

/** The path parameters of DELETE /api/secrets/:name: a malformed name is a 400 naming `name`. */
export const secretPathSchema = z.object({ name: secretNameField() });
