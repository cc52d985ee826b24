import { z } from 'zod';
import { responseBody } from '../../docs/document-registry';
import { dateTime, uuid } from '../../docs/wire-types';
import { SCOPES } from '../../projects/scopes';

export const sessionBody = responseBody(
  'Session',
  z.object({
    projectId: uuid,
    actor: z.string().meta({ description: 'Who the session acts as', example: 'key ci (stv_AbCd1234…)' }),
    scopes: z.array(z.enum(SCOPES)),
    bootstrap: z.boolean().meta({ description: 'Signed in with a key from API_KEYS (may open Bull Board)' }),
    csrfToken: z
      .string()
      .nullable()
      .meta({ description: 'Send it as x-csrf-token with every change made with the session; null with a key' }),
    expiresAt: dateTime.nullable().meta({ description: 'When the session ends at the latest; null with a key' }),
  }),
);
