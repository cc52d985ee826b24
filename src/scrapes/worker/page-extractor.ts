import type { CheerioAPI } from 'cheerio';
import type { ElementNode, HtmlNode } from 'node-html-markdown/dist/nodes';
// node-html-markdown's walk over a tree parsed here, so the same tree also gives the title
// and links (one parse per page instead of two). Deep imports of a pinned version:
// page-extractor.spec.ts and the crawl e2e tests say whether an upgrade kept them.
import { nodeHtmlParserConfig } from 'node-html-markdown/dist/utilities';
import { getMarkdownForHtmlNodes } from 'node-html-markdown/dist/visitor';
import { parse } from 'node-html-parser';
import { createMarkdownConverter } from './markdown-converter';
import { cheerio } from './lazy-cheerio';
import { linkForms, normalizeUrl } from './url-normalizer';

export interface ExtractedPage {
  title: string | null;
  description: string | null;
  canonicalUrl: string | null;
  /** Every http(s) link normalised (the `links` format), deduplicated in document order. */
  links: string[];
  /** The same links as they will be requested (as written, without fragment): what a crawl follows. */
  hrefs: string[];
  text: string | null;
  markdown: string | null;
}

/** Elements whose content is not the page's readable content. */
const NOISE = 'script, style, noscript, template, svg, iframe';
/** Elements that start a new line when a browser renders them, so their text does not run into the next. */
const BLOCKS = [
  'address, article, aside, blockquote, dd, div, dl, dt, figcaption, figure, footer, form, h1, h2, h3, h4, h5, h6',
  'header, hr, li, main, nav, ol, p, pre, section, table, tr, ul',
].join(', ');

/**
 * htmlparser2 instead of cheerio's default parse5: about eight times faster on a 40 KB page
 * (0.4 against 3.3 ms here), and a crawler reads what servers send, not what a browser
 * would repair. It adds no implied <body>, so a page without one gets one around it.
 */
const FAST_PARSER = { xml: { xmlMode: false, decodeEntities: true } };

// One converter for every page: building one is the slow part, translating with it is not.
const markdownConverter = createMarkdownConverter();

/** Title, description, canonical URL, links and optionally text and markdown of one HTML page. Never throws on odd HTML. */
export function extractPage(html: string, pageUrl: string, want: { text: boolean; markdown: boolean }): ExtractedPage {
  try {
    // Text needs cheerio's tree (it rewrites it); without text, one node-html-parser tree
    // serves the metadata, the links and the markdown.
    return want.text
      ? extractWithCheerio(html, pageUrl, want.markdown)
      : extractInOneParse(html, pageUrl, want.markdown);
  } catch {
    return { title: null, description: null, canonicalUrl: null, links: [], hrefs: [], text: null, markdown: null };
  }
}

/** What the head and the anchors say, read in one walk of the tree, first occurrence of each. */
interface PageFacts {
  title?: string;
  ogTitle?: string;
  description?: string;
  ogDescription?: string;
  canonical?: string;
  base?: string;
  anchors: string[];
}

/**
 * node-html-markdown's parser settings, plus:
 * - unclosed elements kept as if closed: by default node-html-parser drops an element left
 *   open (`<div><a href=x>link` loses the link), and pages in the wild leave elements open;
 * - <title> read as text, as browsers and htmlparser2 do: its content holds no elements, so
 *   `<title><img …> x</title>` is titled `<img …> x`, not ` x` with an image in the head.
 */
const PARSER_OPTIONS = {
  ...nodeHtmlParserConfig,
  blockTextElements: { ...nodeHtmlParserConfig.blockTextElements, title: true },
  parseNoneClosedTags: true,
};

function parsePage(html: string): ElementNode {
  return parse(html, PARSER_OPTIONS) as ElementNode;
}

/** Markdown of the page's body (of the whole page when it has none), whitespace collapsed as a browser shows it. */
function markdownOf(root: ElementNode): string {
  const body = findBody(root) ?? root;
  collapseTextWhitespace(body);
  return getMarkdownForHtmlNodes(markdownConverter, body).trim();
}

function extractInOneParse(html: string, pageUrl: string, markdown: boolean): ExtractedPage {
  const root = parsePage(html);
  const facts: PageFacts = { anchors: [] };
  readFacts(root, false, facts);
  const base = baseUrl(facts.base, pageUrl);
  const page: ExtractedPage = {
    title: nonEmpty(facts.title) ?? nonEmpty(facts.ogTitle),
    description: nonEmpty(facts.description) ?? nonEmpty(facts.ogDescription),
    canonicalUrl: facts.canonical === undefined ? null : (normalizeUrl(facts.canonical, base) ?? null),
    ...linksOf(facts.anchors, base),
    text: null,
    markdown: null,
  };
  if (markdown) page.markdown = markdownOf(root);
  return page;
}

/** The same selectors as the cheerio path: `title` outside svg, `meta[name=description]`, `link[rel~=canonical i][href]`, `base[href]`, `a[href]`. */
function readFacts(node: ElementNode, inSvg: boolean, facts: PageFacts): void {
  for (const child of node.childNodes as HtmlNode[]) {
    if (child.nodeType !== 1) continue;
    const el = child as ElementNode;
    const tag = tagOf(el);
    if (tag === 'title' && !inSvg) facts.title ??= el.textContent ?? '';
    else if (tag === 'meta') {
      const content = el.getAttribute('content') ?? undefined;
      const name = el.getAttribute('name');
      const property = el.getAttribute('property');
      if (name === 'description') facts.description ??= content;
      if (property === 'og:title') facts.ogTitle ??= content;
      if (property === 'og:description') facts.ogDescription ??= content;
    } else if (tag === 'link') {
      const href = el.getAttribute('href');
      const rel = (el.getAttribute('rel') ?? '').toLowerCase().split(/\s+/);
      if (href != null && rel.includes('canonical')) facts.canonical ??= href;
    } else if (tag === 'base') {
      const href = el.getAttribute('href');
      if (href != null) facts.base ??= href;
    } else if (tag === 'a') {
      const href = el.getAttribute('href');
      if (href != null) facts.anchors.push(href);
    }
    readFacts(el, inSvg || tag === 'svg', facts);
  }
}

/** An element's tag name, lower case (node-html-parser keeps it as written in rawTagName). */
function tagOf(el: ElementNode): string | undefined {
  return (el as { rawTagName?: string }).rawTagName?.toLowerCase();
}

function findBody(node: ElementNode): ElementNode | undefined {
  for (const child of node.childNodes as HtmlNode[]) {
    if (child.nodeType !== 1) continue;
    const el = child as ElementNode;
    const tag = tagOf(el);
    if (tag === 'body') return el;
    if (tag === 'html') return findBody(el);
  }
  return undefined;
}

/**
 * Whitespace in the source (indentation, line wrapping) renders as one space, except in
 * <pre> and <textarea>. Done before the walk, it also spares node-html-markdown, which drops
 * a line break that follows an inline element (`<b>b</b>\nc` → `**b**c`).
 */
function collapseTextWhitespace(node: ElementNode): void {
  for (const child of node.childNodes as HtmlNode[]) {
    if (child.nodeType === 3) {
      const text = child as unknown as { rawText: string };
      text.rawText = text.rawText.replace(/\s+/g, ' ');
    } else if (child.nodeType === 1) {
      const tag = tagOf(child as ElementNode);
      if (tag !== 'pre' && tag !== 'textarea') collapseTextWhitespace(child as ElementNode);
    }
  }
}

/** Every http(s) link, normalised and as written, each deduplicated in document order; other origins included, the caller filters. */
function linksOf(anchors: string[], base: string): { links: string[]; hrefs: string[] } {
  const normalised = new Set<string>();
  const written = new Set<string>();
  for (const href of anchors) {
    const forms = linkForms(href, base);
    if (!forms) continue;
    normalised.add(forms.key);
    written.add(forms.request);
  }
  return { links: [...normalised], hrefs: [...written] };
}

function extractWithCheerio(html: string, pageUrl: string, markdown: boolean): ExtractedPage {
  const $ = cheerio().load(/<body[\s>]/i.test(html) ? html : `<body>${html}</body>`, FAST_PARSER);
  const base = baseUrl($('base[href]').first().attr('href'), pageUrl);
  const canonical = $('link[rel~="canonical" i][href]').attr('href');
  const page: ExtractedPage = {
    title:
      nonEmpty($('title').not('svg title').first().text()) ?? nonEmpty($('meta[property="og:title"]').attr('content')),
    description:
      nonEmpty($('meta[name="description"]').attr('content')) ??
      nonEmpty($('meta[property="og:description"]').attr('content')),
    canonicalUrl: canonical === undefined ? null : (normalizeUrl(canonical, base) ?? null),
    ...linksOf(
      $('a[href]')
        .toArray()
        .map((anchor) => $(anchor).attr('href') ?? ''),
      base,
    ),
    text: null,
    markdown: null,
  };
  // Markdown from the source parsed again (faster than cheerio can serialise it back), as
  // without text: both paths give the same markdown.
  if (markdown) page.markdown = markdownOf(parsePage(html));
  $(NOISE).remove();
  collapseSourceWhitespace($);
  page.text = text($);
  return page;
}

function nonEmpty(value: string | null | undefined): string | null {
  return value?.trim() || null;
}

/** Relative URLs resolve against `<base href>` (itself relative to the page) when the page has one. */
function baseUrl(href: string | undefined, pageUrl: string): string {
  if (href === undefined) return pageUrl;
  try {
    return new URL(href, pageUrl).href;
  } catch {
    return pageUrl;
  }
}

/**
 * Whitespace in the source (indentation, line wrapping) renders as one space, except in <pre>.
 * Doing it up front also spares node-html-markdown, which drops a line break that follows an inline element (`<b>b</b>\nc` → `**b**c`).
 */
function collapseSourceWhitespace($: CheerioAPI): void {
  $('body')
    .find('*')
    .addBack()
    .not('pre, pre *, textarea')
    .contents()
    .each((_, node) => {
      if ('data' in node) node.data = node.data.replace(/\s+/g, ' ');
    });
}

/** Readable text of the body, a line per block. Adds line breaks to the body, so it runs last. */
function text($: CheerioAPI): string {
  const body = $('body');
  body.find('br').replaceWith('\n');
  body.find(BLOCKS).before('\n').after('\n');
  body.find('td, th').after(' ');
  return body
    .text()
    .replace(/\s+/g, (run) => (run.includes('\n') ? '\n' : ' '))
    .trim();
}
