import fc from 'fast-check';
import { Visitor } from 'node-html-markdown/dist/visitor';
import { linearVisitor, originalVisitor } from './linear-markdown-visitor';
import { createMarkdownConverter } from './markdown-converter';

const converter = createMarkdownConverter();

/** The markdown of `html` with one visitor's methods or the other's installed. */
function markdownWith(methods: typeof originalVisitor, html: string): string {
  Object.assign(Visitor.prototype, methods);
  try {
    return converter.translate(html);
  } finally {
    Object.assign(Visitor.prototype, linearVisitor);
  }
}

const DOCUMENTS = [
  '',
  'plain text',
  '<p>a <b>bold</b>\n   word and <a href="/x">link</a>\ntext</p><pre>line 1\n  line 2\n\n</pre>',
  '<ul><li>one</li><li><input type="checkbox" checked> done</li><li><ul><li>nested</li></ul></li></ul>',
  '<ol start="3"><li>three</li><li></li><li>  </li><li>five<br><br></li></ol>',
  '<table><tr><th align="right">h</th><th>**</th></tr><tr><td>a<br>b</td><td><code>x|y</code></td></tr><tr><td></td></tr></table>',
  '<blockquote><p>quoted</p><blockquote>twice</blockquote></blockquote><hr><h2>  title  </h2>',
  '<p>__</p><p>_x_</p><em>*</em><strong>**</strong><em></em><a href="">empty</a><a href="/e"></a>',
  '<pre><code class="language-js">let a = 1;\n\n\n</code></pre>\n\n\n<p>after</p>\r\n<p>crlf\r\n</p>',
  '<p>' + 'word '.repeat(500) + '</p><p>' + '\n'.repeat(30) + '</p><div>' + ' '.repeat(30) + '</div>end',
];

describe('linear markdown visitor', () => {
  it('is the one installed', () => {
    expect(Visitor.prototype.appendResult).toBe(linearVisitor.appendResult);
    expect(Visitor.prototype.visitNode).toBe(linearVisitor.visitNode);
  });

  it.each(DOCUMENTS.map((html) => [html]))('writes what node-html-markdown writes: %j', (html) => {
    expect(markdownWith(linearVisitor, html)).toBe(markdownWith(originalVisitor, html));
  });

  it('writes what node-html-markdown writes on generated documents', () => {
    const text = fc.stringMatching(/^[a-z *_`|#>\-\n\r\t ]{0,12}$/);
    const leaf = fc.oneof(text, fc.constantFrom('<br>', '<hr>', '<input type="checkbox">', '<img src="/i" alt="i">'));
    const tags = ['p', 'div', 'span', 'b', 'em', 'code', 'pre', 'a href="/l"', 'li', 'ul', 'ol', 'blockquote', 'h3'];
    const { tree } = fc.letrec<{ tree: string }>((tie) => ({
      tree: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc
          .tuple(fc.constantFrom(...tags), fc.array(tie('tree'), { maxLength: 4 }))
          .map(([tag, children]) => `<${tag}>${children.join('')}</${tag.split(' ')[0]}>`),
        fc
          .array(fc.array(tie('tree'), { maxLength: 3 }), { minLength: 1, maxLength: 3 })
          .map(
            (rows) =>
              `<table>${rows.map((cells) => `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</table>`,
          ),
      ),
    }));
    fc.assert(
      fc.property(fc.array(tree, { maxLength: 6 }), (parts) => {
        const html = parts.join('');
        expect(markdownWith(linearVisitor, html)).toBe(markdownWith(originalVisitor, html));
      }),
      { numRuns: 400 },
    );
  });
});
