import {
  NodeHtmlMarkdown,
  type TranslatorCollection,
  type TranslatorConfig,
  type TranslatorConfigFactory,
} from 'node-html-markdown';
// Installs the linear visitor for every conversion (see there).
import './linear-markdown-visitor';

type Context = Parameters<TranslatorConfigFactory>[0];
type Element = Context['node'];

/**
 * node-html-markdown with the GFM details it loses put back, as translators (no extra
 * pass over the page): task-list checkboxes, `<ol start>`, `<br>` and inline code inside
 * table cells, column alignment, fenced code without a trailing blank line, and links
 * kept as written (it turns `_` into `%5F`, so `utm_source` read `utm%5Fsource`).
 */
export function createMarkdownConverter(): NodeHtmlMarkdown {
  const converter = new NodeHtmlMarkdown({ ignore: ['template', 'svg', 'iframe'], bulletMarker: '-' });
  const { translators, tableTranslators, tableRowTranslators, tableCellTranslators, aTagTranslators } = converter;

  wrap(translators, 'li', (listItem) => (ctx) => {
    const config = listItem({
      ...ctx,
      listItemNumber: ctx.listItemNumber === undefined ? undefined : listStart(ctx.node) + ctx.listItemNumber - 1,
    });
    const postprocess = config.postprocess;
    // A checkbox then its label: `- [x] done`, one space between, as GFM task lists are written.
    if (!postprocess) return config;
    return {
      ...config,
      postprocess: (inner) => {
        const out = postprocess(inner);
        return typeof out === 'string' ? out.replace(/^(\[[ x]\]) +/, '$1 ') : out;
      },
    };
  });

  translators.set('input', ({ node }) =>
    isCheckbox(node) ? { content: node.hasAttribute('checked') ? '[x] ' : '[ ] ', recurse: false } : { ignore: true },
  );

  const code = wrap(translators, 'code', (original) => (ctx) => fencedWithoutTrailingNewline(original(ctx), ctx.node));
  wrap(translators, 'table', (original) => (ctx) => aligned(original(ctx), ctx.node));
  const cell = cellEscapingEveryPipe(tableTranslators.get('td') as TranslatorConfigFactory);
  tableTranslators.set('th,td', cell);
  tableRowTranslators.set('th,td', cell);
  tableCellTranslators.set('br', { content: '<br>', recurse: false });
  tableCellTranslators.set('code', code);
  tableCellTranslators.set('input', translators.get('input'));

  for (const collection of [translators, tableCellTranslators])
    collection.set('a', link(collection === translators ? aTagTranslators : tableCellTranslators));
  for (const collection of [translators, tableCellTranslators, aTagTranslators]) collection.set('img', image);
  return converter;
}

/** Replaces the factory for `tag` with one built around it, keeping the base config node-html-markdown merges in. */
function wrap(
  collection: TranslatorCollection,
  tag: string,
  around: (original: TranslatorConfigFactory) => TranslatorConfigFactory,
): TranslatorConfigFactory {
  const original = collection.get(tag) as TranslatorConfigFactory;
  const wrapped = Object.assign(around(original), { base: original.base });
  collection.set(tag, wrapped);
  return wrapped;
}

function isCheckbox(node: Element): boolean {
  return (node.getAttribute('type') ?? '').toLowerCase() === 'checkbox';
}

/** `<ol start="3">` numbers from 3; anything that is not a whole number counts from 1. */
function listStart(item: Element): number {
  const list = item.parentNode as Element | null;
  const start = Number(list?.getAttribute?.('start') ?? 1);
  return Number.isInteger(start) ? start : 1;
}

/**
 * A fenced block ends with its last line, not a blank one (the code's own final newline
 * used to stand before the closing fence); the fence is longer than any backtick run in
 * the code, and the language also comes from `<pre class="language-x">`.
 */
function fencedWithoutTrailingNewline(config: TranslatorConfig, node: Element): TranslatorConfig {
  if (!config.prefix?.startsWith('```')) return config;
  const longestRun = Math.max(0, ...(node.textContent.match(/`{3,}/g) ?? []).map((run: string) => run.length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  const pre = node.parentNode as Element | null;
  const language =
    /(?:^|\s)lang(?:uage)?-(\S+)/.exec(
      `${node.getAttribute('class') ?? ''} ${pre?.getAttribute?.('class') ?? ''}`,
    )?.[1] ?? '';
  return {
    ...config,
    prefix: `${fence}${language}\n`,
    postfix: `\n${fence}`,
    postprocess: ({ content }) => content.replace(/\r?\n$/, ''),
  };
}

type Alignment = 'left' | 'center' | 'right' | undefined;

/** The alignment of each column, read from the first row's cells (`align` or `style="text-align: …"`). */
function alignments(table: Element): Alignment[] {
  const firstRow = findFirst(table, 'TR');
  if (!firstRow) return [];
  return (Array.from(firstRow.childNodes) as Element[])
    .filter((child) => child.tagName === 'TH' || child.tagName === 'TD')
    .map((c) => {
      const value = (
        c.getAttribute('align') ??
        /text-align\s*:\s*(left|center|right)/i.exec(c.getAttribute('style') ?? '')?.[1] ??
        ''
      ).toLowerCase();
      return value === 'left' || value === 'center' || value === 'right' ? value : undefined;
    });
}

function findFirst(node: Element, tagName: string): Element | undefined {
  for (const child of Array.from(node.childNodes) as Element[]) {
    if (!child.tagName) continue;
    if (child.tagName === tagName) return child;
    if (child.tagName === 'TABLE') continue; // a nested table's rows are not ours
    const found = findFirst(child, tagName);
    if (found) return found;
  }
  return undefined;
}

/** The table as node-html-markdown lays it out, with its delimiter row marking each column's alignment. */
function aligned(config: TranslatorConfig, node: Element): TranslatorConfig {
  const postprocess = config.postprocess;
  if (!postprocess) return config;
  const columns = alignments(node);
  if (!columns.some(Boolean)) return config;
  return {
    ...config,
    postprocess: (ctx) => {
      const result = postprocess(ctx);
      if (typeof result !== 'string') return result;
      return result.replace(/^\|(?: -+ \|)+$/m, (row) =>
        row.replace(/-+/g, (dashes: string, offset: number) => {
          const align = columns[row.slice(0, offset).split('|').length - 2];
          // At least one dash stays: `::` is not a delimiter cell.
          if (align === 'left') return `:${'-'.repeat(Math.max(1, dashes.length - 1))}`;
          if (align === 'right') return `${'-'.repeat(Math.max(1, dashes.length - 1))}:`;
          if (align === 'center') return `:${'-'.repeat(Math.max(1, dashes.length - 2))}:`;
          return dashes;
        }),
      );
    },
  };
}

/** node-html-markdown escapes only the first `|` of a cell, which splits the row at the second. */
function cellEscapingEveryPipe(cell: TranslatorConfigFactory): TranslatorConfigFactory {
  return (ctx) => ({
    ...cell(ctx),
    postprocess: ({ content }) =>
      content
        .replace(/^(?:\r?\n)+|(?:\r?\n)+$/g, '')
        .replace(/(?<!\\)\|/g, '\\|')
        .replace(/(?:\r?\n)+/g, ' ')
        .trim(),
  });
}

/**
 * A link destination as written: only what would end it early or break the link is
 * escaped (whitespace and angle brackets percent-encoded, parentheses backslash-escaped,
 * which CommonMark allows in a destination); `_` and `*` cannot start emphasis there.
 */
export function markdownDestination(href: string): string {
  return href.replace(/[\s<>]/g, (ch) => encodeURIComponent(ch)).replace(/[()]/g, '\\$&');
}

function link(children: TranslatorCollection): TranslatorConfigFactory {
  return ({ node, options }) => {
    const href = node.getAttribute('href');
    if (!href) return {};
    const destination = markdownDestination(href);
    const title = node.getAttribute('title');
    if (node.textContent === href && options.useInlineLinks !== false && !/[\s<>]/.test(href))
      return { content: `<${href}>`, recurse: false };
    return {
      postprocess: ({ content }) => content.replace(/(?:\r?\n)+/g, ' '),
      childTranslators: children,
      prefix: '[',
      postfix: `](${destination}${title ? ` "${title.replace(/["\\]/g, '\\$&')}"` : ''})`,
    };
  };
}

const image: TranslatorConfigFactory = ({ node, options }) => {
  const src = node.getAttribute('src') ?? '';
  if (!src || (!options.keepDataImages && /^data:/i.test(src))) return { ignore: true };
  const alt = (node.getAttribute('alt') ?? '').replace(/[[\]\\]/g, '\\$&');
  const title = node.getAttribute('title');
  return {
    content: `![${alt}](${markdownDestination(src)}${title ? ` "${title.replace(/["\\]/g, '\\$&')}"` : ''})`,
    recurse: false,
  };
};
