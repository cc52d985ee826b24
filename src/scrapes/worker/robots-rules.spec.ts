import { matchLength, productToken, robotsPath } from './robots-match';
import { ROBOTS_MAX_BYTES, RobotsRules } from './robots-rules';

const AGENT = 'StevedoreBot/1.0 (+https://github.com/stevedore/stevedore)';

/** Whether `agent` may fetch `url` under `robotstxt` (the shape of Google's IsUserAgentAllowed). */
const allowed = (robotstxt: string, agent: string, url: string) => RobotsRules.parse(robotstxt, agent).allows(url);

/**
 * Cases ported from Google's robots.txt conformance tests, github.com/google/robotstxt
 * robots_test.cc (commit 22b355ff855419e6a3ff8ff09c0ad7fdb17116f9), test names kept.
 * The GoogleOnly_ cases (index.html as a directory, long lines) are Google's own
 * extensions and not ported.
 */
describe('RobotsRules: Google robotstxt conformance cases', () => {
  it('ID_LineSyntax_Line: name: value lines; a missing colon is accepted', () => {
    const url = 'http://foo.bar/x/y';
    expect(allowed('user-agent: FooBot\ndisallow: /\n', 'FooBot', url)).toBe(false);
    expect(allowed('foo: FooBot\nbar: /\n', 'FooBot', url)).toBe(true);
    expect(allowed('user-agent FooBot\ndisallow /\n', 'FooBot', url)).toBe(false);
  });

  it('ID_LineSyntax_Groups: groups for one agent merge; rules outside a group are ignored', () => {
    const robotstxt =
      'allow: /foo/bar/\n\nuser-agent: FooBot\ndisallow: /\nallow: /x/\nuser-agent: BarBot\ndisallow: /\nallow: /y/\n\n\nallow: /w/\nuser-agent: BazBot\n\nuser-agent: FooBot\nallow: /z/\ndisallow: /\n';
    expect(allowed(robotstxt, 'FooBot', 'http://foo.bar/x/b')).toBe(true);
    expect(allowed(robotstxt, 'FooBot', 'http://foo.bar/z/d')).toBe(true);
    expect(allowed(robotstxt, 'FooBot', 'http://foo.bar/y/c')).toBe(false);
    expect(allowed(robotstxt, 'BarBot', 'http://foo.bar/y/c')).toBe(true);
    expect(allowed(robotstxt, 'BarBot', 'http://foo.bar/w/a')).toBe(true);
    expect(allowed(robotstxt, 'BarBot', 'http://foo.bar/z/d')).toBe(false);
    expect(allowed(robotstxt, 'BazBot', 'http://foo.bar/z/d')).toBe(true);
    for (const agent of ['FooBot', 'BarBot', 'BazBot'])
      expect(allowed(robotstxt, agent, 'http://foo.bar/foo/bar/')).toBe(false);
  });

  it('ID_LineSyntax_Groups_OtherRules: Sitemap and unknown lines do not end a group', () => {
    for (const middle of ['Sitemap: https://foo.bar/sitemap', 'Invalid-Unknown-Line: unknown']) {
      const robotstxt = `User-agent: BarBot\n${middle}\nUser-agent: *\nDisallow: /\n`;
      expect(allowed(robotstxt, 'FooBot', 'http://foo.bar/')).toBe(false);
      expect(allowed(robotstxt, 'BarBot', 'http://foo.bar/')).toBe(false);
    }
  });

  it('ID_REPLineNamesCaseInsensitive', () => {
    for (const robotstxt of [
      'USER-AGENT: FooBot\nALLOW: /x/\nDISALLOW: /\n',
      'user-agent: FooBot\nallow: /x/\ndisallow: /\n',
      'uSeR-aGeNt: FooBot\nAlLoW: /x/\ndIsAlLoW: /\n',
    ]) {
      expect(allowed(robotstxt, 'FooBot', 'http://foo.bar/x/y')).toBe(true);
      expect(allowed(robotstxt, 'FooBot', 'http://foo.bar/a/b')).toBe(false);
    }
  });

  it('ID_UserAgentValueCaseInsensitive (and the value is read up to its first space)', () => {
    for (const robotstxt of [
      'User-Agent: FOO BAR\nAllow: /x/\nDisallow: /\n',
      'User-Agent: foo bar\nAllow: /x/\nDisallow: /\n',
      'User-Agent: FoO bAr\nAllow: /x/\nDisallow: /\n',
    ]) {
      for (const agent of ['Foo', 'foo']) {
        expect(allowed(robotstxt, agent, 'http://foo.bar/x/y')).toBe(true);
        expect(allowed(robotstxt, agent, 'http://foo.bar/a/b')).toBe(false);
      }
    }
  });

  it('ID_GlobalGroups_Secondary: the * group applies only when no group names the agent', () => {
    const url = 'http://foo.bar/x/y';
    expect(allowed('', 'FooBot', url)).toBe(true);
    const global = 'user-agent: *\nallow: /\nuser-agent: FooBot\ndisallow: /\n';
    expect(allowed(global, 'FooBot', url)).toBe(false);
    expect(allowed(global, 'BarBot', url)).toBe(true);
    expect(
      allowed(
        'user-agent: FooBot\nallow: /\nuser-agent: BarBot\ndisallow: /\nuser-agent: BazBot\ndisallow: /\n',
        'QuxBot',
        url,
      ),
    ).toBe(true);
  });

  it('ID_AllowDisallow_Value_CaseSensitive', () => {
    expect(allowed('user-agent: FooBot\ndisallow: /x/\n', 'FooBot', 'http://foo.bar/x/y')).toBe(false);
    expect(allowed('user-agent: FooBot\ndisallow: /X/\n', 'FooBot', 'http://foo.bar/x/y')).toBe(true);
  });

  it('ID_LongestMatch: the longest pattern decides, Allow wins a tie', () => {
    const url = 'http://foo.bar/x/page.html';
    expect(allowed('user-agent: FooBot\ndisallow: /x/page.html\nallow: /x/\n', 'FooBot', url)).toBe(false);
    expect(allowed('user-agent: FooBot\nallow: /x/page.html\ndisallow: /x/\n', 'FooBot', url)).toBe(true);
    expect(allowed('user-agent: FooBot\nallow: /x/page.html\ndisallow: /x/\n', 'FooBot', 'http://foo.bar/x/')).toBe(
      false,
    );
    expect(allowed('user-agent: FooBot\ndisallow: \nallow: \n', 'FooBot', url)).toBe(true);
    expect(allowed('user-agent: FooBot\ndisallow: /\nallow: /\n', 'FooBot', url)).toBe(true);
    expect(allowed('user-agent: FooBot\ndisallow: /x\nallow: /x/\n', 'FooBot', 'http://foo.bar/x')).toBe(false);
    expect(allowed('user-agent: FooBot\ndisallow: /x\nallow: /x/\n', 'FooBot', 'http://foo.bar/x/')).toBe(true);
    expect(allowed('user-agent: FooBot\ndisallow: /x/page.html\nallow: /x/page.html\n', 'FooBot', url)).toBe(true);
    expect(allowed('user-agent: FooBot\nallow: /page\ndisallow: /*.html\n', 'FooBot', 'http://foo.bar/page.html')).toBe(
      false,
    );
    expect(allowed('user-agent: FooBot\nallow: /page\ndisallow: /*.html\n', 'FooBot', 'http://foo.bar/page')).toBe(
      true,
    );
    expect(allowed('user-agent: FooBot\nallow: /x/page.\ndisallow: /*.html\n', 'FooBot', url)).toBe(true);
    expect(
      allowed('user-agent: FooBot\nallow: /x/page.\ndisallow: /*.html\n', 'FooBot', 'http://foo.bar/x/y.html'),
    ).toBe(false);
    const specific = 'User-agent: *\nDisallow: /x/\nUser-agent: FooBot\nDisallow: /y/\n';
    expect(allowed(specific, 'FooBot', 'http://foo.bar/x/page')).toBe(true);
    expect(allowed(specific, 'FooBot', 'http://foo.bar/y/page')).toBe(false);
  });

  it('ID_Encoding: rules match the path and query as requested, non-ASCII compared percent-encoded', () => {
    expect(
      allowed(
        'User-agent: FooBot\nDisallow: /\nAllow: /foo/bar?qux=taz&baz=http://foo.bar?tar&par\n',
        'FooBot',
        'http://foo.bar/foo/bar?qux=taz&baz=http://foo.bar?tar&par',
      ),
    ).toBe(true);
    expect(
      allowed('User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/ツ\n', 'FooBot', 'http://foo.bar/foo/bar/%E3%83%84'),
    ).toBe(true);
    expect(
      allowed(
        'User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/%E3%83%84\n',
        'FooBot',
        'http://foo.bar/foo/bar/%E3%83%84',
      ),
    ).toBe(true);
    // Google's matcher compares %62%61%7A byte for byte; RFC 9309 §2.2.2's table has it match /foo/bar/baz, which we follow.
    expect(
      allowed('User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/%62%61%7A\n', 'FooBot', 'http://foo.bar/foo/bar/baz'),
    ).toBe(true);
    expect(
      allowed(
        'User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/%62%61%7A\n',
        'FooBot',
        'http://foo.bar/foo/bar/%62%61%7A',
      ),
    ).toBe(true);
  });

  it('ID_SpecialCharacters: *, a final $ and # comments', () => {
    const star = 'User-agent: FooBot\nDisallow: /foo/bar/quz\nAllow: /foo/*/qux\n';
    expect(allowed(star, 'FooBot', 'http://foo.bar/foo/bar/quz')).toBe(false);
    expect(allowed(star, 'FooBot', 'http://foo.bar/foo/quz')).toBe(true);
    expect(allowed(star, 'FooBot', 'http://foo.bar/foo//quz')).toBe(true);
    expect(allowed(star, 'FooBot', 'http://foo.bar/foo/bax/quz')).toBe(true);
    const dollar = 'User-agent: FooBot\nDisallow: /foo/bar$\nAllow: /foo/bar/qux\n';
    expect(allowed(dollar, 'FooBot', 'http://foo.bar/foo/bar')).toBe(false);
    expect(allowed(dollar, 'FooBot', 'http://foo.bar/foo/bar/qux')).toBe(true);
    expect(allowed(dollar, 'FooBot', 'http://foo.bar/foo/bar/')).toBe(true);
    expect(allowed(dollar, 'FooBot', 'http://foo.bar/foo/bar/baz')).toBe(true);
    const comment = 'User-agent: FooBot\n# Disallow: /\nDisallow: /foo/quz#qux\nAllow: /\n';
    expect(allowed(comment, 'FooBot', 'http://foo.bar/foo/bar')).toBe(true);
    expect(allowed(comment, 'FooBot', 'http://foo.bar/foo/quz')).toBe(false);
  });

  it('ID_UTF8ByteOrderMarkIsSkipped', () => {
    expect(allowed('\uFEFFUser-Agent: foo\nAllow: /AnyValue\n', 'foo', 'http://foo.bar/AnyValue')).toBe(true);
    expect(allowed('\uFEFFUser-Agent: foo\nDisallow: /AnyValue\n', 'foo', 'http://foo.bar/AnyValue')).toBe(false);
  });

  it('CR, LF and CRLF all end a line (as in ID_LinesNumbersAreCountedCorrectly)', () => {
    expect(allowed('User-Agent: foo\rDisallow: /a\r\nAllow: /\n', 'foo', 'http://foo.bar/a/b')).toBe(false);
    expect(allowed('User-Agent: foo\rDisallow: /a\r\nAllow: /\n', 'foo', 'http://foo.bar/b')).toBe(true);
  });

  it('ID_NonStandardLineExample_Sitemap: Sitemap lines anywhere are read', () => {
    expect(
      RobotsRules.parse(
        'User-Agent: foo\nAllow: /some/path\nUser-Agent: bar\n\n\nSitemap: http://foo.bar/sitemap.xml\n',
        'foo',
      ).sitemaps(),
    ).toEqual(['http://foo.bar/sitemap.xml']);
    expect(
      RobotsRules.parse('Sitemap: http://foo.bar/sitemap.xml\nUser-Agent: foo\nAllow: /some/path\n', 'foo').sitemaps(),
    ).toEqual(['http://foo.bar/sitemap.xml']);
  });
});

describe('RobotsRules: our crawler', () => {
  it('matches a group whose User-agent line has the product token followed by more words', () => {
    const robotstxt =
      'User-agent: *\nAllow: /\n\nUser-agent: StevedoreBot/1.0 (+https://example.com/bot)\nDisallow: /\n';
    expect(allowed(robotstxt, AGENT, 'http://h.test/x')).toBe(false);
    expect(allowed(robotstxt, 'OtherBot/2.0', 'http://h.test/x')).toBe(true);
  });

  it('matches our product token case-insensitively', () => {
    expect(allowed('User-agent: stevedorebot\nDisallow: /x\n', AGENT, 'http://h.test/x')).toBe(false);
  });

  it('lets an Allow rule with a query win when the URL is written in that order', () => {
    const robotstxt = 'User-agent: *\nDisallow: /search\nAllow: /search?q=boats&page=2\n';
    expect(allowed(robotstxt, AGENT, 'http://h.test/search?q=boats&page=2')).toBe(true);
    expect(allowed(robotstxt, AGENT, 'http://h.test/search?page=2&q=boats')).toBe(false);
  });

  it('treats /%7Efoo and /~foo as the same path, and hex case as equal', () => {
    expect(allowed('User-agent: *\nDisallow: /~joe/\n', AGENT, 'http://h.test/%7Ejoe/x')).toBe(false);
    expect(allowed('User-agent: *\nDisallow: /%7ejoe/\n', AGENT, 'http://h.test/~joe/x')).toBe(false);
    expect(allowed('User-agent: *\nDisallow: /a%2fb\n', AGENT, 'http://h.test/a%2Fb')).toBe(false);
    // %2F is a reserved character: not the same as a slash.
    expect(allowed('User-agent: *\nDisallow: /a/b\n', AGENT, 'http://h.test/a%2Fb')).toBe(true);
  });

  it('names the rule that refused a URL', () => {
    expect(RobotsRules.parse('User-agent: *\nDisallow: /private/\n', AGENT).verdict('http://h.test/private/x')).toEqual(
      { allowed: false, reason: 'disallowed by robots.txt (Disallow: /private/)' },
    );
  });

  it('reads the crawl delay of our group in milliseconds, none when not given', () => {
    expect(
      RobotsRules.parse(
        'User-agent: *\nCrawl-delay: 0.5\n\nUser-agent: StevedoreBot\nDisallow: /x\nCrawl-delay: 2',
        AGENT,
      ).crawlDelayMs(),
    ).toBe(2000);
    expect(RobotsRules.parse('User-agent: *\nDisallow: /x\nCrawl-delay: 0.5', AGENT).crawlDelayMs()).toBe(500);
    expect(RobotsRules.parse('User-agent: *\nDisallow:', AGENT).crawlDelayMs()).toBeUndefined();
  });

  it('allows everything when robots.txt is garbage', () => {
    expect(allowed('<html>not robots</html>', AGENT, 'http://h.test/x')).toBe(true);
  });

  it('ignores what follows the first 500 KiB (RFC 9309 §2.5)', () => {
    const padding = `# ${'x'.repeat(ROBOTS_MAX_BYTES)}\n`;
    expect(allowed(`User-agent: *\nDisallow: /a\n${padding}Disallow: /b\n`, AGENT, 'http://h.test/a')).toBe(false);
    expect(allowed(`User-agent: *\nDisallow: /a\n${padding}Disallow: /b\n`, AGENT, 'http://h.test/b')).toBe(true);
  });

  it('allowAll allows everything; disallowAll refuses everything and says why', () => {
    expect(RobotsRules.allowAll().allows('http://h.test/private/x')).toBe(true);
    expect(RobotsRules.allowAll().sitemaps()).toEqual([]);
    expect(RobotsRules.disallowAll('HTTP 503').verdict('http://h.test/')).toEqual({
      allowed: false,
      reason: 'robots.txt could not be read (HTTP 503), so nothing may be fetched',
    });
  });
});

describe('RobotsRules.fromFetch (RFC 9309 §2.3.1)', () => {
  const fetched = (statusCode: number | null, body: string | null, error: string | null = null) =>
    RobotsRules.fromFetch({ statusCode, body, error }, AGENT);

  it('parses a 2xx body', () =>
    expect(fetched(200, 'User-agent: *\nDisallow: /x').allows('http://h.test/x')).toBe(false));

  it.each([
    [404, 'HTTP 404'],
    [410, 'HTTP 410'],
    [301, 'too many redirects (more than 5)'],
  ])('allows everything after %s', (status, error) =>
    expect(fetched(status, null, error).allows('http://h.test/x')).toBe(true),
  );

  it.each([
    [503, 'HTTP 503 (Retry-After 3600 s is too long)'],
    [429, 'HTTP 429 (Retry-After 3600 s is too long)'],
    [null, 'HTTP 500'],
    [null, 'network error: ECONNREFUSED'],
    [null, 'timed out after 500 ms'],
  ])('refuses everything after %s %s', (status, error) =>
    expect(fetched(status, null, error).verdict('http://h.test/')).toEqual({
      allowed: false,
      reason: `robots.txt could not be read (${error}), so nothing may be fetched`,
    }),
  );
});

describe('robots matching helpers', () => {
  it('productToken takes the leading token, lower-cased', () => {
    expect(productToken(AGENT)).toBe('stevedorebot');
    expect(productToken('Foo_Bar-Baz/2')).toBe('foo_bar-baz');
    expect(productToken('ツ')).toBe('');
  });

  it('robotsPath keeps the query as written and drops the fragment', () => {
    expect(robotsPath('http://h.test/a?b=2&a=1#frag')).toBe('/a?b=2&a=1');
    expect(robotsPath('http://h.test')).toBe('/');
  });

  it('matchLength stays fast on a hostile pattern', () => {
    const pattern = `/${'*a'.repeat(200)}b`;
    expect(matchLength(`/${'a'.repeat(2000)}`, pattern)).toBe(-1);
  });
});
