import { z } from 'zod';
import { queryObject, cursorPageFields } from '../http/cursor-page.query';
import { FIELD } from '../validation/problem-lines';
import { closedObject, optional, requiredName, wholeNumber } from '../validation/request-fields';
import { SCOPES } from './scopes';

const limit = (max: number, what: string) =>
  optional(wholeNumber(1, max, `must be a whole number from 1 to ${max}, or null for the deployment's default`)).meta({
    description: `${what}; null or left out: the deployment's default`,
  });

/** Settings a project may have; each left out (or null) follows the deployment's. */
const settings = {
  runningLimit: limit(1000, 'Most of its runs handed to workers at once (within RUNNING_CAPACITY)'),
  queuedLimit: limit(100_000, 'Most of its runs waiting at once (within QUEUED_CAPACITY)'),
  ratePerSecond: limit(100_000, 'Requests per second each of its keys may make'),
  rateBurst: limit(100_000, 'Requests a key may make at once above that rate'),
};

export const projectNameField = () =>
  requiredName(100, 'is required: a name of 1 to 100 characters').meta({ example: 'checkout-team' });

/** The body of POST /api/projects. */
export const createProjectRequestSchema = closedObject(
  { name: projectNameField(), ...settings },
  `property ${FIELD} should not exist`,
  'the body must be a JSON object: { name }',
).meta({ description: 'A new project: its name (unique, whatever its case) and optional limits' });
export type CreateProjectRequest = z.output<typeof createProjectRequestSchema>;

/** The body of PATCH /api/projects/:id: the settings to change; null returns one to the default. */
export const updateProjectRequestSchema = closedObject(
  {
    name: projectNameField().optional(),
    runningLimit: settings.runningLimit.optional(),
    queuedLimit: settings.queuedLimit.optional(),
    ratePerSecond: settings.ratePerSecond.optional(),
    rateBurst: settings.rateBurst.optional(),
  },
  `property ${FIELD} should not exist`,
  'the body must be a JSON object',
).meta({ description: 'Settings to change; a field left out keeps its value, null returns it to the default' });

/** The body of POST /api/projects/:id/keys. */
export const createKeyRequestSchema = closedObject(
  {
    name: requiredName(100, 'is required: a name of 1 to 100 characters').meta({ example: 'ci' }),
    scopes: z
      .array(z.enum(SCOPES, { error: `must be one of ${SCOPES.join(', ')}` }), {
        error: `must be a list of scopes: ${SCOPES.join(', ')}`,
      })
      .min(1, { error: `must name at least one scope: ${SCOPES.join(', ')}` })
      .max(3, { error: 'must name each scope at most once' })
      .refine((scopes) => new Set(scopes).size === scopes.length, { error: 'must name each scope at most once' })
      .meta({
        description:
          'What the key may do: read (see work), trigger (also create and cancel work), admin (also keys, secrets, schedules, settings). Each includes the ones before it.',
        example: ['trigger'],
      }),
  },
  `property ${FIELD} should not exist`,
  'the body must be a JSON object: { name, scopes }',
).meta({ description: 'A new key for the project' });
export type CreateKeyRequest = z.output<typeof createKeyRequestSchema>;

export const projectPathSchema = z.object({ id: z.guid({ error: 'must be a UUID' }) });
export const projectKeyPathSchema = z.object({
  id: z.guid({ error: 'must be a UUID' }),
  keyId: z.guid({ error: 'must be a UUID' }),
});

/** `?limit=&cursor=&projectId=` of GET /api/audit. */
export const auditQuerySchema = queryObject({
  ...cursorPageFields,
  projectId: z
    .guid({ error: 'must be a UUID' })
    .optional()
    .meta({ description: "A bootstrap key may read another project's log; any other key reads its own" }),
});
export type AuditQuery = z.output<typeof auditQuerySchema>;
