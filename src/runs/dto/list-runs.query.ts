import { z } from 'zod';
import { cursorPageFields, queryObject } from '../../http/cursor-page.query';
import { RunStatus } from '../run.entity';

/** The query of GET /api/runs. */
export const listRunsQuerySchema = queryObject({
  ...cursorPageFields,
  status: z
    .enum(RunStatus, { error: `must be one of ${Object.values(RunStatus).join(', ')}` })
    .optional()
    .meta({ description: 'only runs in this status' }),
  scheduleId: z.guid({ error: 'must be a UUID' }).optional().meta({ description: 'only runs queued by this schedule' }),
  suiteId: z.guid({ error: 'must be a UUID' }).optional().meta({ description: 'only the runs of this suite' }),
  name: z
    .string({ error: 'must be a string' })
    .min(1, 'must not be empty')
    .max(200, 'must be at most 200 characters')
    .optional()
    .meta({ description: 'only runs whose name contains this text (any case)' }),
  createdAfter: z.iso
    .datetime({ offset: true, error: 'must be an ISO date-time, as 2026-12-01T00:00:00Z' })
    .optional()
    .meta({ description: 'only runs created at or after this time' }),
  createdBefore: z.iso
    .datetime({ offset: true, error: 'must be an ISO date-time, as 2026-12-02T00:00:00Z' })
    .optional()
    .meta({ description: 'only runs created before this time' }),
});

export type ListRunsQuery = z.output<typeof listRunsQuerySchema>;
