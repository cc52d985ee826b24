import { z } from 'zod';
import { responseBody } from '../docs/document-registry';
import { timestamps } from '../docs/wire-types';

/**
 * The secret bodies of REST answers: a secret's name and dates, never its value. The
 * controller returns their z.output types, so the document and the answers cannot differ.
 */

export const secretBody = responseBody(
  'Secret',
  z.object({
    name: z.string().meta({ example: 'SHOP_PASSWORD' }),
    ...timestamps,
  }),
);

export const secretListBody = responseBody(
  'SecretList',
  z.object({ items: z.array(secretBody).meta({ description: 'Every secret, by name (at most 1000)' }) }),
);

export type SecretSummary = z.output<typeof secretBody>;
