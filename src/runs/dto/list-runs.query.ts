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
});

export type ListRunsQuery = z.output<typeof listRunsQuerySchema>;
