import { z } from 'zod';
import { pageCursorField, pageLimitField, queryObject } from '../../http/cursor-page.query';

/** The query of GET /api/scrapes/{id}/pages. */
export const listPagesQuerySchema = queryObject({
  limit: pageLimitField(200),
  cursor: pageCursorField,
  fields: z.string({ error: 'must be a string' }).optional().meta({
    description: 'comma-separated page fields (default: all but text, html, contentType, durationMs)',
    example: 'url,title,markdown',
  }),
});

export type ListPagesQuery = z.output<typeof listPagesQuerySchema>;
