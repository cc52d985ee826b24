import { getTrailingWhitespaceInfo } from 'node-html-markdown/dist/utilities';
import { Visitor } from 'node-html-markdown/dist/visitor';
import { MarkdownRope } from './markdown-rope';

/** node-html-markdown 2.0.0's own methods, kept so the spec can hold the two to the same output. */
export const originalVisitor = { appendResult: Visitor.prototype.appendResult, visitNode: Visitor.prototype.visitNode };

const ropes = new WeakMap<Visitor, MarkdownRope>();

/**
 * node-html-markdown builds a page's markdown with `+=` and, after every append, reads the
 * end of the whole text (its trailing whitespace); after each element with a
 * postprocess step (a link, a table cell or row) it reads what the element wrote with
 * `substr`. Reading into a string built with `+=` makes V8 copy all of it into one flat
 * string first, so the markdown was copied once per append and per such element: about
 * 10 MB of garbage for a 40 KB page, most of what a crawl allocates (BENCHMARKS.md,
 * "Performance (#22)"). Here, while the visitor walks the tree, its text is a rope that
 * answers the same questions without copying; the walk's result is joined once at the
 * end. Installed on the pinned version's prototype (deep imports, as page-extractor's);
 * linear-markdown-visitor.spec.ts holds it to the original on every document the
 * extractor spec knows and on generated ones.
 */
export const linearVisitor = {
  appendResult(this: Visitor, s: string, startPos?: number, spaceIfRepeatingChar?: boolean): void {
    const rope = ropes.get(this);
    if (!rope) return originalVisitor.appendResult.call(this, s, startPos, spaceIfRepeatingChar);
    if (!s && startPos === undefined) return;
    if (startPos !== undefined) rope.truncate(startPos);
    rope.append((spaceIfRepeatingChar && rope.tail.slice(-1) === s[0] ? ' ' : '') + s);
    this.result.trailingNewlineStats = getTrailingWhitespaceInfo(rope.tail);
  },

  visitNode(this: Visitor, ...args: Parameters<Visitor['visitNode']>): void {
    if (ropes.has(this)) return originalVisitor.visitNode.apply(this, args);
    // The outermost call (from the constructor): the whole walk. What the walk reads of its
    // text is its length and substr(from); the rope answers both.
    const rope = new MarkdownRope();
    rope.append(this.result.text);
    ropes.set(this, rope);
    const view = {
      get length() {
        return rope.length;
      },
      substr: (from: number) => rope.from(from),
    };
    Object.defineProperty(this.result, 'text', { configurable: true, enumerable: true, get: () => view });
    try {
      return originalVisitor.visitNode.apply(this, args);
    } finally {
      ropes.delete(this);
      Object.defineProperty(this.result, 'text', {
        configurable: true,
        enumerable: true,
        writable: true,
        value: rope.toString(),
      });
    }
  },
};

Visitor.prototype.appendResult = linearVisitor.appendResult;
Visitor.prototype.visitNode = linearVisitor.visitNode;
