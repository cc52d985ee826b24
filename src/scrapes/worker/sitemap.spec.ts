import { parseSitemap } from './sitemap';

describe('parseSitemap', () => {
  it('reads the page URLs of a urlset, trimmed, without empty ones or extension tags', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
      <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
        <url><loc>
          http://h.test/a
        </loc><lastmod>2024-01-01</lastmod></url>
        <url><loc>http://h.test/b?x=1&amp;y=2</loc><image:image><image:loc>http://h.test/img.png</image:loc></image:image></url>
        <url><loc>  </loc></url>
      </urlset>`;
    expect(parseSitemap(xml)).toEqual({ urls: ['http://h.test/a', 'http://h.test/b?x=1&y=2'], sitemaps: [] });
  });

  it('reads the child sitemaps of a sitemap index', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
      <sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <sitemap><loc>http://h.test/sitemap-1.xml</loc></sitemap>
        <sitemap><loc>http://h.test/sitemap-2.xml</loc><lastmod>2024-01-01</lastmod></sitemap>
      </sitemapindex>`;
    expect(parseSitemap(xml)).toEqual({
      urls: [],
      sitemaps: ['http://h.test/sitemap-1.xml', 'http://h.test/sitemap-2.xml'],
    });
  });

  it.each([
    '',
    'not xml at all',
    '<html><body><a href="/x">x</a></body></html>',
    '\u0000\u0001<<>>',
    '<?xml version="1.0"?><rss><channel><link>http://h.test/</link></channel></rss>',
  ])('returns empty lists for garbage %j', (xml) => expect(parseSitemap(xml)).toEqual({ urls: [], sitemaps: [] }));

  it('reads what it can from a truncated sitemap', () => {
    const truncated = '<urlset><url><loc>http://h.test/a</loc></url><url><loc>http://h.te';
    expect(parseSitemap(truncated)).toEqual({ urls: ['http://h.test/a', 'http://h.te'], sitemaps: [] });
  });

  it('returns empty lists for an HTML page', () =>
    expect(parseSitemap('<html><body><p>hello</p></body></html>')).toEqual({ urls: [], sitemaps: [] }));
});
