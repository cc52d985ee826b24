import { z } from 'zod';
import { queryObject } from '../http/cursor-page.query';

/** Most jobs one stream follows: a page of a list. */
export const MAX_FOLLOWED = 100;

const ids = (kind: string) =>
  z
    .string({ error: 'must be a comma-separated list of UUIDs' })
    .transform((value) => value.split(',').filter((id) => id.length > 0))
    .pipe(
      z
        .array(z.uuid({ error: 'must be a comma-separated list of UUIDs' }))
        .max(MAX_FOLLOWED, `must list at most ${MAX_FOLLOWED} ids`),
    )
    .optional()
    .meta({ description: `Ids of ${kind}s to follow, comma-separated`, type: 'string' });

/** The query of GET /api/live. */
export const liveFollowQuerySchema = queryObject({
  runs: ids('run'),
  suites: ids('suite'),
  scrapes: ids('scrape'),
});

export type LiveFollowQuery = z.output<typeof liveFollowQuerySchema>;
