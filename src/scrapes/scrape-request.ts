import { globProblem } from './path-rules';
import { isObject } from '../validation/body-checks';

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

const given = (v: unknown) => v !== undefined && v !== null;
const wholeIn = (v: unknown, min: number, max: number) =>
  Number.isInteger(v) && (v as number) >= min && (v as number) <= max;

/**
 * Checks a scrape body field by field: the request with defaults filled in, or every
 * problem, each naming its field (`maxPages must be a whole number from 1 to 10000`).
 */
export function parseScrapeRequest(
  body: unknown,
  limits: ScrapeLimits,
): { request: ScrapeRequest; errors: [] } | { request?: undefined; errors: string[] } {
  if (!isObject(body)) return { errors: ['the body must be a JSON object'] };
  const errors: string[] = [];
  const fields = [
    'url',
    'mode',
    'maxPages',
    'maxDepth',
    'includePaths',
    'excludePaths',
    'render',
    'respectRobots',
    'formats',
    'concurrency',
    'timeoutMs',
    'priority',
  ];
  for (const key of Object.keys(body)) if (!fields.includes(key)) errors.push(`${key} is not a field of a scrape`);

  let url = '';
  if (typeof body.url !== 'string' || body.url.trim() === '') errors.push('url is required (an http or https URL)');
  else if (body.url.length > 2048) errors.push('url must be at most 2048 characters');
  else {
    try {
      const parsed = new URL(body.url.trim());
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
        errors.push(`url must be http or https, not ${parsed.protocol}`);
      parsed.hash = '';
      url = parsed.href;
    } catch {
      errors.push('url is not a valid URL');
    }
  }

  const request: ScrapeRequest = {
    url,
    mode: 'page',
    maxPages: 50,
    maxDepth: 3,
    includePaths: [],
    excludePaths: [],
    render: false,
    respectRobots: true,
    formats: ['markdown', 'links'],
    concurrency: 5,
    timeoutMs: limits.maxTimeoutMs,
    priority: 5,
  };
  if (given(body.mode)) {
    if (!SCRAPE_MODES.includes(body.mode as never))
      errors.push(`mode must be page or crawl${typeof body.mode === 'string' ? ` (got "${body.mode}")` : ''}`);
    else request.mode = body.mode as ScrapeRequest['mode'];
  }
  const whole = (
    key: 'maxPages' | 'maxDepth' | 'concurrency' | 'timeoutMs' | 'priority',
    min: number,
    max: number,
    what: string,
  ) => {
    if (!given(body[key])) return;
    if (!wholeIn(body[key], min, max)) errors.push(`${key} must be a whole number from ${min} to ${max}${what}`);
    else request[key] = body[key] as number;
  };
  whole('maxPages', 1, MAX_PAGES, '');
  whole('maxDepth', 0, 50, '');
  whole('concurrency', 1, 50, '');
  whole('timeoutMs', 1000, limits.maxTimeoutMs, ' (MAX_JOB_DURATION)');
  whole('priority', 1, 10, ' (1 is the most urgent)');
  for (const key of ['render', 'respectRobots'] as const) {
    if (!given(body[key])) continue;
    if (typeof body[key] !== 'boolean') errors.push(`${key} must be true or false`);
    else request[key] = body[key] as boolean;
  }
  for (const key of ['includePaths', 'excludePaths'] as const) {
    if (!given(body[key])) continue;
    const globs = body[key];
    if (!Array.isArray(globs)) errors.push(`${key} must be a list of path globs such as "/blog/**"`);
    else if (globs.length > MAX_GLOBS) errors.push(`${key} may have at most ${MAX_GLOBS} globs`);
    else {
      globs.forEach((glob, i) => {
        const problem = globProblem(glob);
        if (problem) errors.push(`${key}[${i}] ${problem}`);
      });
      request[key] = globs as string[];
    }
  }
  if (given(body.formats)) {
    const formats = body.formats;
    if (!Array.isArray(formats) || formats.length === 0)
      errors.push(`formats must be a non-empty list of ${SCRAPE_FORMATS.join(', ')}`);
    else {
      formats.forEach((format, i) => {
        if (!SCRAPE_FORMATS.includes(format as never))
          errors.push(
            `formats[${i}] must be one of ${SCRAPE_FORMATS.join(', ')}${typeof format === 'string' ? ` (got "${format}")` : ''}`,
          );
      });
      request.formats = [...new Set(formats as ScrapeFormat[])];
    }
  }
  if (errors.length) return { errors };
  if (request.mode === 'page') request.maxPages = 1;
  return { request, errors: [] };
}
