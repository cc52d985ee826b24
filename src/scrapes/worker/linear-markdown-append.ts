import { getTrailingWhitespaceInfo } from 'node-html-markdown/dist/utilities';
import { Visitor } from 'node-html-markdown/dist/visitor';

/** The last characters of a visitor's text: all that getTrailingWhitespaceInfo reads (it stops at 10). */
const TAIL = 10;
const tails = new WeakMap<Visitor, string>();

/** node-html-markdown 2.0.0's own appendResult, kept so the spec can hold the two to the same output. */
export const quadraticAppendResult = Visitor.prototype.appendResult;

/**
 * node-html-markdown's appendResult measures the text's trailing whitespace after every
 * append by reading the end of the whole text, and reading into a string built with `+=`
 * makes V8 copy all of it into one flat string first. A page's markdown was thus copied
 * once per append: about 6.7 MB of garbage for a 40 KB page, two thirds of what a crawl
 * allocates (BENCHMARKS.md, "Performance (#22)"). This one keeps the text's last ten
 * characters beside it and measures those: the same result, linear in the page.
 * Installed once, on the pinned version's prototype (deep import, as page-extractor's);
 * linear-markdown-append.spec.ts compares it with the original on every document the
 * extractor spec knows and on generated ones.
 */
export function linearAppendResult(this: Visitor, s: string, startPos?: number, spaceIfRepeatingChar?: boolean): void {
  if (!s && startPos === undefined) return;
  const { result } = this;
  let tail = tails.get(this) ?? '';
  if (startPos !== undefined) {
    result.text = result.text.substr(0, startPos);
    tail = result.text.slice(-TAIL);
  }
  const piece = (spaceIfRepeatingChar && tail.slice(-1) === s[0] ? ' ' : '') + s;
  result.text += piece;
  tail = piece.length >= TAIL ? piece.slice(-TAIL) : (tail + piece).slice(-TAIL);
  tails.set(this, tail);
  result.trailingNewlineStats = getTrailingWhitespaceInfo(tail);
}

Visitor.prototype.appendResult = linearAppendResult;
