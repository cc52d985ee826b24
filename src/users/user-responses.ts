import { z } from 'zod';
import { responseBody } from '../docs/document-registry';
import { page, timestamps, uuid } from '../docs/wire-types';

/**
 * The user bodies of REST answers: each schema is registered under its name in the
 * OpenAPI document, and the controllers return their z.output types, so the document and
 * the answers cannot differ.
 */

export const userBody = responseBody(
  'User',
  z.object({ ...timestamps, id: uuid, email: z.string(), name: z.string() }),
);

export const userPageBody = responseBody('UserPage', page(userBody));
