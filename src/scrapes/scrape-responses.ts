import { z } from 'zod';
import { responseBody } from '../docs/document-registry';
import { count, dateTime, jobRow, jsonObject, page, uuid } from '../docs/wire-types';
import { ScrapeStatus } from './scrape.entity';

/**
 * The scrape bodies of REST answers: each schema is registered under its name in the
 * OpenAPI document, and the controllers return their z.output types, so the document and
 * the answers cannot differ.
 */

export const scrapeBody = responseBody(
  'Scrape',
  z.object({
    ...jobRow,
    id: uuid,
    url: z.string(),
    mode: z.string().meta({ description: 'page or crawl' }),
    request: jsonObject('The request as accepted, with defaults filled in'),
    status: z.enum(ScrapeStatus),
    pagesDone: count.meta({ description: 'Pages fetched and stored' }),
    pagesFailed: count.meta({ description: 'Pages that could not be fetched or read (see errors)' }),
    pagesQueued: count.meta({ description: 'Pages found and waiting to be fetched' }),
    errors: z
      .array(z.object({ url: z.string(), error: z.string() }))
      .meta({ description: 'The first failed pages with their error' }),
  }),
);

/** A scrape in a list: as GET /api/scrapes/:id, without its errors (read the scrape for them). */
export const scrapeSummaryBody = responseBody('ScrapeSummary', scrapeBody.omit({ errors: true }));

export const scrapeSummaryPageBody = responseBody('ScrapePage', page(scrapeSummaryBody));

export const scrapeCreatedBody = responseBody('ScrapeCreated', z.object({ id: uuid, status: z.enum(ScrapeStatus) }));

export const scrapeCancelBody = responseBody(
  'ScrapeCancel',
  z.object({ id: uuid, status: z.enum(ScrapeStatus), cancelRequested: z.boolean() }),
);

/** A stored page: `id` always, the other fields as `?fields=` chose. */
export const scrapedPageBody = responseBody(
  'ScrapedPage',
  z.object({
    id: z.string(),
    url: z.string().optional(),
    finalUrl: z.string().nullable().optional().meta({ description: 'Where redirects ended' }),
    depth: count.optional().meta({ description: 'Links followed from the start URL' }),
    state: z.string().optional().meta({ description: 'done or failed' }),
    statusCode: count.nullable().optional(),
    contentType: z.string().nullable().optional(),
    title: z.string().nullable().optional(),
    description: z.string().nullable().optional(),
    canonicalUrl: z.string().nullable().optional(),
    markdown: z.string().nullable().optional(),
    text: z.string().nullable().optional(),
    html: z.string().nullable().optional(),
    links: z.array(z.string()).nullable().optional(),
    contentHash: z.string().nullable().optional().meta({ description: 'sha256 of the body' }),
    fetchedAt: dateTime.nullable().optional(),
    durationMs: count.nullable().optional(),
    error: z.string().nullable().optional(),
  }),
);

export const scrapedPagePageBody = responseBody('ScrapedPagePage', page(scrapedPageBody));
