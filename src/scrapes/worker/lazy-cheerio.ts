import type * as Cheerio from 'cheerio';

let loaded: typeof Cheerio | undefined;

/**
 * cheerio, loaded on first use: with parse5 and htmlparser2 it is tens of MB resident, and
 * a worker needs it only for a page asked for as `text` or a sitemap; the markdown and
 * links of every page come from node-html-parser.
 */
export function cheerio(): typeof Cheerio {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (loaded ??= require('cheerio') as typeof Cheerio);
}
