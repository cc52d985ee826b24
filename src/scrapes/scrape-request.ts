import { z } from 'zod';
import type { Env } from '../config/env.schema';
import { checkRequest } from '../validation/parse-request';
import { closedObject, flag, gotText, optional, schemaForLimits, wholeNumber } from '../validation/request-fields';
import { globProblem } from './path-rules';

/** A scrape as users write it (see the README): what the API accepts and the worker does. */
export const SCRAPE_MODES = ['page', 'crawl'] as const;
export const SCRAPE_FORMATS = ['markdown', 'text', 'html', 'links'] as const;
export type ScrapeFormat = (typeof SCRAPE_FORMATS)[number];

export interface ScrapeRequest {
  url: string;
  mode: (typeof SCRAPE_MODES)[number];
  /** crawl: most pages stored (the start page included). */
  maxPages: number;
  /** crawl: most links followed from the start URL. */
  maxDepth: number;
  includePaths: string[];
  excludePaths: string[];
  /** Render in the worker's Chromium instead of plain HTTP. */
  render: boolean;
  respectRobots: boolean;
  formats: ScrapeFormat[];
  /** Pages fetched at once by this scrape (each host's own limit applies on top). */
  concurrency: number;
  timeoutMs: number;
  priority: number;
}

export const MAX_PAGES = 10000;
const MAX_GLOBS = 50;

export interface ScrapeLimits {
  /** MAX_JOB_DURATION: no scrape may ask for longer. */
  maxTimeoutMs: number;
}

/** The limits a scrape is checked against, from the configuration. */
export const scrapeLimits = (env: Pick<Env, 'MAX_JOB_DURATION'>): ScrapeLimits => ({
  maxTimeoutMs: env.MAX_JOB_DURATION,
});

/** The start URL: http or https, trimmed, without its #fragment. */
const startUrl = z
  .string({ error: 'is required (an http or https URL)' })
  .refine((url) => url.trim() !== '', { error: 'is required (an http or https URL)', abort: true })
  .max(2048, { error: 'must be at most 2048 characters', abort: true })
  .transform((url, ctx) => {
    let parsed: URL;
    try {
      parsed = new URL(url.trim());
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is not a valid URL' });
      return z.NEVER;
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      ctx.addIssue({ code: 'custom', message: `must be http or https, not ${parsed.protocol}` });
    parsed.hash = '';
    return parsed.href;
  });

/** Path globs such as "/blog/**", each named when it is wrong. */
const pathGlobs = z
  .array(
    z.string({ error: 'a path glob must be a string' }).superRefine((glob, ctx) => {
      const problem = globProblem(glob);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    { error: 'must be a list of path globs such as "/blog/**"' },
  )
  .max(MAX_GLOBS, { error: `may have at most ${MAX_GLOBS} globs` });

const formatList = `${SCRAPE_FORMATS.join(', ')}`;

/**
 * A scrape body: every field checked, unknown ones refused, defaults filled in (a page
 * scrape stores one page whatever maxPages says).
 */
export const scrapeRequestSchema = schemaForLimits((limits: ScrapeLimits) =>
  closedObject(
    {
      url: startUrl.meta({ description: 'The page, or where a crawl starts', example: 'https://example.com/blog/' }),
      mode: optional(z.enum(SCRAPE_MODES, { error: (issue) => `must be page or crawl${gotText(issue.input)}` })).meta({
        description: 'page (default) or crawl',
        example: 'crawl',
      }),
      maxPages: optional(wholeNumber(1, MAX_PAGES, `must be a whole number from 1 to ${MAX_PAGES}`)).meta({
        description: `crawl: most pages stored, 1 to ${MAX_PAGES} (default 50)`,
        example: 50,
      }),
      maxDepth: optional(wholeNumber(0, 50, 'must be a whole number from 0 to 50')).meta({
        description: 'crawl: most links followed from the start URL (default 3)',
        example: 3,
      }),
      concurrency: optional(wholeNumber(1, 50, 'must be a whole number from 1 to 50')).meta({
        description: 'pages fetched at once, 1 to 50 (default 5)',
        example: 5,
      }),
      timeoutMs: optional(
        wholeNumber(
          1000,
          limits.maxTimeoutMs,
          `must be a whole number from 1000 to ${limits.maxTimeoutMs} (MAX_JOB_DURATION)`,
        ),
      ).meta({ description: 'the whole scrape, at most MAX_JOB_DURATION (the default)', example: 600000 }),
      priority: optional(wholeNumber(1, 10, 'must be a whole number from 1 to 10 (1 is the most urgent)')).meta({
        description: '1 (most urgent) to 10',
        example: 5,
      }),
      render: optional(flag()).meta({ description: 'render in Chromium instead of plain HTTP', example: false }),
      respectRobots: optional(flag()).meta({
        description: 'obey robots.txt and its Crawl-delay (default true)',
        example: true,
      }),
      includePaths: optional(pathGlobs).meta({
        description: 'crawl: only paths matching one of these globs',
        example: ['/blog/**'],
      }),
      excludePaths: optional(pathGlobs).meta({
        description: 'crawl: never paths matching these globs',
        example: ['/blog/drafts/**'],
      }),
      formats: optional(
        z
          .array(z.enum(SCRAPE_FORMATS, { error: (issue) => `must be one of ${formatList}${gotText(issue.input)}` }), {
            error: `must be a non-empty list of ${formatList}`,
          })
          .min(1, { error: `must be a non-empty list of ${formatList}` }),
      ).meta({
        description: 'markdown, text, html, links (default markdown and links)',
        example: ['markdown', 'links'],
      }),
    },
    'is not a field of a scrape',
    'the body must be a JSON object',
  )
    .transform((given): ScrapeRequest => ({
      url: given.url,
      mode: given.mode ?? 'page',
      maxPages: given.mode === 'crawl' ? (given.maxPages ?? 50) : 1,
      maxDepth: given.maxDepth ?? 3,
      includePaths: given.includePaths ?? [],
      excludePaths: given.excludePaths ?? [],
      render: given.render ?? false,
      respectRobots: given.respectRobots ?? true,
      formats: given.formats ? [...new Set(given.formats)] : ['markdown', 'links'],
      concurrency: given.concurrency ?? 5,
      timeoutMs: given.timeoutMs ?? limits.maxTimeoutMs,
      priority: given.priority ?? 5,
    }))
    .meta({ description: 'A page scrape or a crawl' }),
);

/**
 * Checks a scrape body field by field: the request with defaults filled in, or every
 * problem, each naming its field (`maxPages must be a whole number from 1 to 10000`).
 */
export function parseScrapeRequest(
  body: unknown,
  limits: ScrapeLimits,
): { request: ScrapeRequest; errors: [] } | { request?: undefined; errors: string[] } {
  const { data, errors } = checkRequest(scrapeRequestSchema(limits), body);
  return data ? { request: data, errors: [] } : { errors };
}
