import { cheerio } from './lazy-cheerio';

export interface ParsedSitemap {
  /** Page URLs from a `<urlset>`. */
  urls: string[];
  /** Child sitemap URLs from a `<sitemapindex>`. */
  sitemaps: string[];
}

/**
 * Reads a sitemap or sitemap index. Selectors match local tag names, so the sitemaps.org namespace on the root does not matter,
 * and extension tags such as `<image:loc>` are not mistaken for page URLs. Never throws: a sitemap is a hint, not a requirement.
 */
export function parseSitemap(xml: string): ParsedSitemap {
  try {
    const $ = cheerio().load(xml, { xml: true });
    const locs = (selector: string): string[] =>
      $(selector)
        .map((_, loc) => $(loc).text().trim())
        .get()
        .filter((loc) => loc !== '');
    return { urls: locs('urlset > url > loc'), sitemaps: locs('sitemapindex > sitemap > loc') };
  } catch {
    return { urls: [], sitemaps: [] };
  }
}
