import { isSameOrigin, normalizeUrl, requestUrl } from './url-normalizer';

describe('normalizeUrl', () => {
  it.each([
    ['HTTP://Example.COM:80/a?b=2&a=1#x', 'http://example.com/a?a=1&b=2'],
    ['https://example.com:443', 'https://example.com/'],
    ['https://example.com:8443/a/', 'https://example.com:8443/a/'],
    ['http://h.test/a', 'http://h.test/a'],
    ['http://h.test/page?utm_source=x&UTM_Medium=y&gclid=1&FBCLID=2&_ga=3', 'http://h.test/page'],
    ['http://h.test/page?', 'http://h.test/page'],
    ['http://h.test/page#', 'http://h.test/page'],
    ['http://h.test/?b=2&a=2&a=1&b=1', 'http://h.test/?a=1&a=2&b=1&b=2'],
    ['http://h.test/?q=a%20b&flag&&x=1', 'http://h.test/?flag&q=a%20b&x=1'],
  ])('normalises %s', (raw, expected) => expect(normalizeUrl(raw)).toBe(expected));

  it('resolves against a base and drops tracking parameters', () => {
    expect(normalizeUrl('/p?utm_source=x&id=3', 'http://h.test/dir/page')).toBe('http://h.test/p?id=3');
    expect(normalizeUrl('../x', 'http://h.test/a/b/c')).toBe('http://h.test/a/x');
    expect(normalizeUrl('#top', 'http://h.test/a?b=1')).toBe('http://h.test/a?b=1');
  });

  it('keeps the trailing slash of a non-empty path as is', () => {
    expect(normalizeUrl('http://h.test/a/')).not.toBe(normalizeUrl('http://h.test/a'));
  });

  it.each([
    'mailto:someone@h.test',
    'javascript:alert(1)',
    'data:text/html,hi',
    'ftp://h.test/file',
    'not a url',
    '',
    'http://',
  ])('refuses %j', (raw) => expect(normalizeUrl(raw)).toBeUndefined());

  it('refuses a relative URL with no base or a broken base', () => {
    expect(normalizeUrl('/p')).toBeUndefined();
    expect(normalizeUrl('/p', 'garbage')).toBeUndefined();
  });
});

describe('isSameOrigin', () => {
  it('compares scheme, host and port', () => {
    expect(isSameOrigin('http://h.test/a', 'HTTP://H.test:80/b?c')).toBe(true);
    expect(isSameOrigin('http://h.test/', 'https://h.test/')).toBe(false);
    expect(isSameOrigin('http://h.test/', 'http://h.test:8080/')).toBe(false);
    expect(isSameOrigin('http://h.test/', 'http://sub.h.test/')).toBe(false);
  });

  it('is false for something that is not a URL', () => expect(isSameOrigin('garbage', 'http://h.test/')).toBe(false));
});

describe('requestUrl', () => {
  it('keeps the link as written but for its fragment: query order and tracking parameters stay', () => {
    expect(requestUrl('/search?q=boats&page=2&utm_source=x#top', 'http://h.test/a')).toBe(
      'http://h.test/search?q=boats&page=2&utm_source=x',
    );
    expect(requestUrl('mailto:me@h.test')).toBeUndefined();
    expect(requestUrl('http://[::1')).toBeUndefined();
  });
});
