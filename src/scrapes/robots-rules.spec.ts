import { RobotsRules } from './robots-rules';

const AGENT = 'StevedoreBot/1.0 (+https://github.com/stevedore/stevedore)';
const ROBOTS_URL = 'http://h.test/robots.txt';

describe('RobotsRules', () => {
  describe('with a group for every agent', () => {
    const rules = RobotsRules.parse(ROBOTS_URL, 'User-agent: *\nDisallow: /private/\nCrawl-delay: 0.5\nSitemap: http://h.test/sitemap.xml', AGENT);

    it('refuses disallowed paths and allows the rest', () => {
      expect(rules.allows('http://h.test/private/x')).toBe(false);
      expect(rules.allows('http://h.test/public')).toBe(true);
    });

    it('reads the crawl delay in milliseconds', () => expect(rules.crawlDelayMs()).toBe(500));

    it('lists the sitemaps', () => expect(rules.sitemaps()).toEqual(['http://h.test/sitemap.xml']));

    it('allows a URL on another origin, which this robots.txt does not cover', () => expect(rules.allows('http://other.test/private/x')).toBe(true));
  });

  describe('with a group for our agent', () => {
    const body = 'User-agent: *\nDisallow: /everyone-else/\n\nUser-agent: StevedoreBot\nDisallow: /bot-only/\nCrawl-delay: 2';
    const rules = RobotsRules.parse(ROBOTS_URL, body, AGENT);

    it('applies our group rather than the * one', () => {
      expect(rules.allows('http://h.test/bot-only/page')).toBe(false);
      expect(rules.allows('http://h.test/everyone-else/page')).toBe(true);
      expect(rules.crawlDelayMs()).toBe(2000);
    });

    it('does not apply our group to another agent', () => {
      const other = RobotsRules.parse(ROBOTS_URL, body, 'OtherBot/2.0');
      expect(other.allows('http://h.test/bot-only/page')).toBe(true);
      expect(other.allows('http://h.test/everyone-else/page')).toBe(false);
    });
  });

  it('has no crawl delay or sitemaps when robots.txt gives none', () => {
    const rules = RobotsRules.parse(ROBOTS_URL, 'User-agent: *\nDisallow:', AGENT);
    expect(rules.crawlDelayMs()).toBeUndefined();
    expect(rules.sitemaps()).toEqual([]);
    expect(rules.allows('http://h.test/anything')).toBe(true);
  });

  it('allows everything when robots.txt is garbage', () => {
    expect(RobotsRules.parse(ROBOTS_URL, '<html>not robots</html>', AGENT).allows('http://h.test/x')).toBe(true);
  });

  it('allowAll allows everything and has no delay or sitemaps', () => {
    const rules = RobotsRules.allowAll();
    expect(rules.allows('http://h.test/private/x')).toBe(true);
    expect(rules.crawlDelayMs()).toBeUndefined();
    expect(rules.sitemaps()).toEqual([]);
  });
});
