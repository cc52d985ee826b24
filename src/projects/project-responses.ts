import { z } from 'zod';
import { responseBody } from '../docs/document-registry';
import { count, dateTime, page, timestamps, uuid } from '../docs/wire-types';
import { SCOPES } from './scopes';

const nullableLimit = (description: string) => count.nullable().meta({ description });

export const projectBody = responseBody(
  'Project',
  z.object({
    id: uuid,
    name: z.string().meta({ example: 'checkout-team' }),
    runningLimit: nullableLimit('Most of its runs handed to workers at once; null: only RUNNING_CAPACITY'),
    queuedLimit: nullableLimit('Most of its runs waiting at once; null: only QUEUED_CAPACITY'),
    ratePerSecond: nullableLimit("Requests per second per key; null: the deployment's RATE_LIMIT_PER_SECOND"),
    rateBurst: nullableLimit("Burst per key; null: the deployment's RATE_LIMIT_BURST"),
    ...timestamps,
  }),
);
export const projectListBody = responseBody('ProjectList', z.object({ items: z.array(projectBody) }));

const keyFields = {
  id: uuid,
  projectId: uuid,
  name: z.string().meta({ example: 'ci' }),
  scopes: z.array(z.enum(SCOPES)),
  prefix: z.string().meta({ description: 'The start of the key, to tell keys apart', example: 'stv_AbCd1234' }),
  createdAt: dateTime,
  lastUsedAt: dateTime.nullable().meta({ description: 'About when it was last used (to the minute); null: never' }),
  revokedAt: dateTime.nullable(),
};
export const apiKeyBody = responseBody('ApiKey', z.object(keyFields));
export const apiKeyListBody = responseBody('ApiKeyList', z.object({ items: z.array(apiKeyBody) }));
export const createdApiKeyBody = responseBody(
  'CreatedApiKey',
  z.object({
    ...keyFields,
    key: z.string().meta({
      description: 'The key itself: shown this once, stored only as a hash. Send it as `Authorization: Bearer <key>`.',
      example: 'stv_AbCd1234…',
    }),
  }),
);

export const auditEventBody = responseBody(
  'AuditEvent',
  z.object({
    id: uuid,
    projectId: uuid,
    at: dateTime,
    actorKeyId: uuid.nullable().meta({ description: 'The key that made the change; null for a bootstrap key' }),
    actor: z.string().meta({ example: 'key ci-admin (stv_AbCd1234…)' }),
    action: z.string().meta({ example: 'key.created' }),
    target: z.string().meta({ description: 'What changed: a key id, a secret name, a schedule id' }),
    details: z.record(z.string(), z.unknown()).meta({ description: 'What else is worth knowing; never a value' }),
  }),
);
export const auditPageBody = responseBody('AuditPage', page(auditEventBody));
