import { z } from 'zod';
import { cursorPageFields, queryObject } from '../../http/cursor-page.query';
import { SuiteStatus } from '../suite.entity';

/** The query of GET /api/suites. */
export const listSuitesQuerySchema = queryObject({
  ...cursorPageFields,
  status: z
    .enum(SuiteStatus, { error: `must be one of ${Object.values(SuiteStatus).join(', ')}` })
    .optional()
    .meta({ description: 'only suites in this status' }),
});

export type ListSuitesQuery = z.output<typeof listSuitesQuerySchema>;
