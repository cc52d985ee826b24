import { extractPage } from './page-extractor';

const BOTH = { text: true, markdown: true };

const PAGE = `<!doctype html>
<html>
  <head>
    <title>  The Title  </title>
    <meta name="description" content=" A description. ">
    <meta property="og:title" content="OG title">
    <link rel="canonical" href="/canonical?utm_source=x">
    <style>body { color: red }</style>
  </head>
  <body>
    <h1>Heading</h1>
    <p>First
       paragraph with <a href="/a">a relative link</a>, <a href="b">another</a> and <a href="https://other.test/x#y">an absolute one</a>.</p>
    <p><a href="/a#section">same page, other fragment</a> <a href="#top">this page</a> <a href="mailto:me@h.test">mail</a>
      <a href="javascript:void(0)">js</a> <a href="">empty</a></p>
    <table>
      <tr><th>Name</th><th>Size</th></tr>
      <tr><td>apple</td><td>3</td></tr>
    </table>
    <script>var secret = 'SCRIPT_CONTENT';</script>
    <noscript>NOSCRIPT_CONTENT</noscript>
    <svg><title>SVG_TITLE</title><text>SVG_TEXT</text></svg>
  </body>
</html>`;

describe('extractPage', () => {
  const page = extractPage(PAGE, 'http://h.test/dir/page', BOTH);

  it('reads the title, description and canonical URL', () => {
    expect(page.title).toBe('The Title');
    expect(page.description).toBe('A description.');
    expect(page.canonicalUrl).toBe('http://h.test/canonical');
  });

  it('collects http(s) links, resolved, deduplicated and in document order', () => {
    expect(page.links).toEqual([
      'http://h.test/a',
      'http://h.test/dir/b',
      'https://other.test/x',
      'http://h.test/dir/page',
    ]);
  });

  it('renders tables as GFM tables in markdown', () => {
    expect(page.markdown).toContain('# Heading');
    expect(page.markdown).toMatch(/\| Name\s*\| Size\s*\|/);
    expect(page.markdown).toMatch(/\| apple\s*\| 3\s*\|/);
  });

  it('keeps scripts, styles, noscript and svg out of text and markdown', () => {
    for (const hidden of ['SCRIPT_CONTENT', 'NOSCRIPT_CONTENT', 'SVG_TITLE', 'SVG_TEXT', 'color: red']) {
      expect(page.text).not.toContain(hidden);
      expect(page.markdown).not.toContain(hidden);
    }
  });

  it('collapses whitespace in text and breaks lines between blocks', () => {
    expect(page.text).toMatch(/^Heading\nFirst paragraph with a relative link, another and an absolute one\.\n/);
    expect(page.text).toContain('Name Size\napple 3');
    expect(page.text).not.toMatch(/ {2}|\n\n|^\s|\s$/);
  });

  it('keeps the space after an inline element that ends a source line, and <pre> as written', () => {
    const wrapped = extractPage(
      '<p>a <b>bold</b>\n   word and <a href="/x">link</a>\ntext</p><pre>line 1\n  line 2</pre>',
      'http://h.test/',
      BOTH,
    );
    expect(wrapped.markdown).toContain('a **bold** word and [link](/x) text');
    expect(wrapped.markdown).toContain('line 1\n  line 2');
    expect(wrapped.text).toBe('a bold word and link text\nline 1\nline 2');
  });

  it('leaves text and markdown null when not wanted', () => {
    const bare = extractPage(PAGE, 'http://h.test/dir/page', { text: false, markdown: false });
    expect(bare.text).toBeNull();
    expect(bare.markdown).toBeNull();
    expect(bare.title).toBe('The Title');
  });

  it('falls back to Open Graph title and description', () => {
    const og = extractPage(
      '<head><meta property="og:title" content="OG title"><meta property="og:description" content="OG description"></head>',
      'http://h.test/',
      BOTH,
    );
    expect(og.title).toBe('OG title');
    expect(og.description).toBe('OG description');
    expect(og.canonicalUrl).toBeNull();
  });

  it('resolves links and the canonical URL against <base href>, itself relative to the page', () => {
    const based = extractPage(
      '<head><base href="/root/"><link rel="canonical" href="c"></head><body><a href="x">x</a><a href="//cdn.test/y">y</a></body>',
      'http://h.test/dir/page',
      BOTH,
    );
    expect(based.links).toEqual(['http://h.test/root/x', 'http://cdn.test/y']);
    expect(based.canonicalUrl).toBe('http://h.test/root/c');
  });

  it('ignores a <base href> that does not parse', () => {
    expect(extractPage('<base href="http://[bad"><a href="x">x</a>', 'http://h.test/dir/page', BOTH).links).toEqual([
      'http://h.test/dir/x',
    ]);
  });

  it('returns nulls and empties for an empty string', () => {
    expect(extractPage('', 'http://h.test/', BOTH)).toEqual({
      title: null,
      description: null,
      canonicalUrl: null,
      links: [],
      hrefs: [],
      text: '',
      markdown: '',
    });
  });

  it.each([
    '<html><body><div><p>unclosed <a href="/u">link',
    '<<<>>>',
    '<title></title>',
    '<a href="http://[::1">bad</a>',
    '\u0000',
  ])('does not throw on %j', (html) => expect(() => extractPage(html, 'http://h.test/', BOTH)).not.toThrow());

  it('reads a title as text, markup-like content included (a <title> holds no elements)', () => {
    const hostile = '<img src=x onerror=alert(1)>';
    for (const text of [false, true]) {
      const page = extractPage(
        `<head><title>${hostile} &amp; more</title></head><body><p>body</p></body>`,
        'http://h.test/',
        {
          text,
          markdown: true,
        },
      );
      expect(page.title).toBe(`${hostile} & more`);
      expect(page.markdown).toBe('body');
    }
  });

  it('keeps the text of unclosed tags', () => {
    const odd = extractPage('<div><p>unclosed <a href="/u">link', 'http://h.test/', BOTH);
    expect(odd.text).toBe('unclosed link');
    expect(odd.links).toEqual(['http://h.test/u']);
  });
});

/**
 * Without `text` a page is read from one node-html-parser tree; with it, from cheerio's
 * (plus node-html-markdown's own parse for markdown). Both must say the same of any page.
 */
describe('extractPage without text (one parse) against with text (cheerio)', () => {
  const documents = [
    PAGE,
    '<p>a <b>bold</b>\n   word and <a href="/x">link</a>\ntext</p><pre>line 1\n  line 2</pre>',
    '<head><meta property="og:title" content="OG title"><meta property="og:description" content="OG description"></head>',
    '<head><base href="/root/"><link rel="canonical" href="c"></head><body><a href="x">x</a><a href="//cdn.test/y">y</a></body>',
    '<base href="http://[bad"><a href="x">x</a>',
    '<html><body><div><p>unclosed <a href="/u">link',
    '<title>A &amp; B</title><link rel="Alternate Canonical" href="/c?b=2&amp;a=1"><a href="/q?x=1&amp;y=2">q</a>',
    '<title><img src=x onerror=alert(1)> &lt;b&gt; title</title><a href="/t">t</a>',
    '<svg><title>icon</title></svg><title>Real</title><meta name="description" content="d1"><meta name="description" content="d2">',
    '<body><ul><li>one</li><li><a href="/two">two</a></li></ul><table><tr><th>h</th></tr><tr><td>c</td></tr></table></body>',
    '<body><script>var a = "<a href=/no>";</script><textarea>keep   this</textarea><a href="/yes">yes</a></body>',
    '',
    '<<<>>>',
    '\u0000',
  ];

  it.each(documents.map((html) => [html]))('%j', (html) => {
    const onePass = extractPage(html, 'http://h.test/dir/page', { text: false, markdown: true });
    const withText = extractPage(html, 'http://h.test/dir/page', { text: true, markdown: true });
    expect(onePass).toEqual({ ...withText, text: null });
  });
});
