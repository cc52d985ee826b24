import { createMarkdownConverter, markdownDestination } from './markdown-converter';

const converter = createMarkdownConverter();
const md = (html: string) => converter.translate(html).trim();

describe('markdown converter', () => {
  it('keeps task-list checkboxes', () => {
    expect(md('<ul><li><input type="checkbox" checked> done</li><li><input type="checkbox"> todo</li></ul>')).toBe(
      '- [x] done\n- [ ] todo',
    );
  });

  it('drops other inputs', () => {
    expect(md('<p>name <input type="text" value="x"></p>')).toBe('name');
  });

  it('numbers an <ol start="3"> from 3, and a plain <ol> from 1', () => {
    expect(md('<ol start="3"><li>three</li><li>four</li></ol>')).toBe('3. three\n4. four');
    expect(md('<ol><li>one</li><li>two</li></ol>')).toBe('1. one\n2. two');
    expect(md('<ol start="x"><li>one</li></ol>')).toBe('1. one');
  });

  it('keeps a <br> inside a table cell as <br>, never gluing the words', () => {
    expect(md('<table><tr><th>A</th></tr><tr><td>one<br>two</td></tr></table>')).toContain('| one<br>two |');
  });

  it('keeps the backticks of inline code inside a table cell, pipes escaped', () => {
    expect(md('<table><tr><th>A</th></tr><tr><td><code>x|y|z</code></td></tr></table>')).toContain('| `x\\|y\\|z` |');
  });

  it('escapes every pipe of a cell, not only the first', () => {
    expect(md('<table><tr><th>A</th><th>B</th></tr><tr><td>a|b|c</td><td>d</td></tr></table>')).toContain(
      '| a\\|b\\|c | d |',
    );
  });

  it('marks column alignment from align and style="text-align"', () => {
    const table = md(
      '<table><thead><tr><th align="left">Left</th><th style="text-align: center">Center</th><th align="right">Right</th><th>None</th></tr></thead><tbody><tr><td>1</td><td>2</td><td>3</td><td>4</td></tr></tbody></table>',
    );
    expect(table.split('\n')[1]).toBe('| :--- | :----: | ----: | ---- |');
  });

  it('ends a fenced code block with its last line, not a blank one, with the language of class="language-x"', () => {
    expect(md('<pre><code class="language-js">const a = 1;\nconst b = 2;\n</code></pre><p>after</p>')).toBe(
      '```js\nconst a = 1;\nconst b = 2;\n```\n\nafter',
    );
  });

  it('takes the language from the <pre> too, and fences code holding ``` with a longer fence', () => {
    expect(md('<pre class="lang-py"><code>x = "```"\n</code></pre>')).toBe('````py\nx = "```"\n````');
  });

  it('keeps link URLs as written: utm_source stays utm_source', () => {
    expect(md('<p><a href="https://x.test/a?utm_source=news&b=1">link</a></p>')).toBe(
      '[link](https://x.test/a?utm_source=news&b=1)',
    );
    expect(md('<p><a href="https://x.test/a_b">https://x.test/a_b</a></p>')).toBe('<https://x.test/a_b>');
  });

  it('keeps a link well-formed when its URL has parentheses or spaces', () => {
    expect(md('<p><a href="https://x.test/Foo_(bar)" title="say &quot;hi&quot;">wiki</a></p>')).toBe(
      '[wiki](https://x.test/Foo_\\(bar\\) "say \\"hi\\"")',
    );
    expect(md('<p><img src="/a b(1).png" alt="pic [1]"></p>')).toBe('![pic \\[1\\]](/a%20b\\(1\\).png)');
    expect(markdownDestination('/a<b>')).toBe('/a%3Cb%3E');
  });

  it('keeps links inside table cells as written too', () => {
    expect(md('<table><tr><th>A</th></tr><tr><td><a href="/x_y">x</a></td></tr></table>')).toContain('[x](/x_y)');
  });
});
