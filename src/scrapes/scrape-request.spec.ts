import { parseScrapeRequest } from './scrape-request';

const limits = { maxTimeoutMs: 600000 };
const errorsOf = (body: unknown) => parseScrapeRequest(body, limits).errors;

describe('parseScrapeRequest', () => {
  it('fills in the defaults', () => {
    expect(parseScrapeRequest({ url: 'https://example.com/a#top' }, limits).request).toEqual({
      url: 'https://example.com/a',
      mode: 'page',
      maxPages: 1,
      maxDepth: 3,
      includePaths: [],
      excludePaths: [],
      render: false,
      respectRobots: true,
      formats: ['markdown', 'links'],
      concurrency: 5,
      timeoutMs: 600000,
      priority: 5,
    });
  });

  it('takes a crawl with its options', () => {
    const { request } = parseScrapeRequest(
      {
        url: 'http://h.test/',
        mode: 'crawl',
        maxPages: 300,
        maxDepth: 5,
        includePaths: ['/blog/**'],
        excludePaths: ['/blog/private/**'],
        formats: ['text', 'text', 'html'],
        concurrency: 10,
      },
      limits,
    );
    expect(request).toMatchObject({
      mode: 'crawl',
      maxPages: 300,
      maxDepth: 5,
      includePaths: ['/blog/**'],
      formats: ['text', 'html'],
      concurrency: 10,
    });
  });

  it.each([
    [{}, 'url is required (an http or https URL)'],
    [{ url: 'ftp://h.test/x' }, 'url must be http or https, not ftp:'],
    [{ url: 'not a url' }, 'url is not a valid URL'],
    [{ url: 'http://h.test', mode: 'site' }, 'mode must be page or crawl (got "site")'],
    [{ url: 'http://h.test', maxPages: 0 }, 'maxPages must be a whole number from 1 to 10000'],
    [{ url: 'http://h.test', maxPages: 10001 }, 'maxPages must be a whole number from 1 to 10000'],
    [{ url: 'http://h.test', maxDepth: -1 }, 'maxDepth must be a whole number from 0 to 50'],
    [{ url: 'http://h.test', includePaths: '/blog' }, 'includePaths must be a list of path globs such as "/blog/**"'],
    [
      { url: 'http://h.test', formats: ['markdown', 'pdf'] },
      'formats[1] must be one of markdown, text, html, links (got "pdf")',
    ],
    [{ url: 'http://h.test', formats: [] }, 'formats must be a non-empty list of markdown, text, html, links'],
    [{ url: 'http://h.test', render: 'yes' }, 'render must be true or false'],
    [
      { url: 'http://h.test', timeoutMs: 999999999 },
      'timeoutMs must be a whole number from 1000 to 600000 (MAX_JOB_DURATION)',
    ],
    [{ url: 'http://h.test', depth: 2 }, 'depth is not a field of a scrape'],
  ])('refuses %j', (body, message) => {
    expect(errorsOf(body)).toContain(message);
  });

  it('names the glob that is wrong', () => {
    expect(errorsOf({ url: 'http://h.test', excludePaths: ['/ok/**', 'blog/**'] })).toEqual([
      expect.stringMatching(/^excludePaths\[1\] /),
    ]);
  });
});
