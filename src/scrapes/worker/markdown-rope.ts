/** How many of the text's last characters getTrailingWhitespaceInfo reads. */
const TAIL = 10;

/**
 * A markdown text built by appending, read back only as its length, its end and what was
 * written since a given offset, and cut back to an offset: all without copying what came
 * before, which a JavaScript string built with `+=` cannot do (reading into it copies all
 * of it into one flat string first).
 */
export class MarkdownRope {
  private chunks: string[] = [];
  /** Where each chunk ends in the text. */
  private ends: number[] = [];
  length = 0;
  /** The text's last TAIL characters (all of it when shorter). */
  tail = '';

  append(piece: string): void {
    if (!piece) return;
    this.chunks.push(piece);
    this.length += piece.length;
    this.ends.push(this.length);
    this.tail = piece.length >= TAIL ? piece.slice(-TAIL) : (this.tail + piece).slice(-TAIL);
  }

  /** The text from `from` to its end (String.prototype.substr with one argument). */
  from(from: number): string {
    const start = Math.max(0, from);
    if (start >= this.length) return '';
    let i = this.chunks.length - 1;
    while (i > 0 && this.ends[i - 1] > start) i--;
    const chunkStart = i > 0 ? this.ends[i - 1] : 0;
    return this.chunks[i].slice(start - chunkStart) + this.chunks.slice(i + 1).join('');
  }

  /** Keeps the first `to` characters (String.prototype.substr(0, to)). */
  truncate(to: number): void {
    const end = Math.max(0, to);
    if (end >= this.length) return;
    while (this.chunks.length && (this.ends.at(-2) ?? 0) >= end) {
      this.chunks.pop();
      this.ends.pop();
    }
    if (this.chunks.length) {
      const last = this.chunks.length - 1;
      this.chunks[last] = this.chunks[last].slice(0, end - (this.ends.at(-2) ?? 0));
      this.ends[last] = end;
      if (!this.chunks[last]) {
        this.chunks.pop();
        this.ends.pop();
      }
    }
    this.length = end;
    let tail = '';
    for (let i = this.chunks.length - 1; i >= 0 && tail.length < TAIL; i--)
      tail = this.chunks[i].slice(-(TAIL - tail.length)) + tail;
    this.tail = tail;
  }

  toString(): string {
    const text = this.chunks.join('');
    this.chunks = text ? [text] : [];
    this.ends = text ? [text.length] : [];
    return text;
  }
}
