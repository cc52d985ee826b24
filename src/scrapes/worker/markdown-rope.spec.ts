import fc from 'fast-check';
import { MarkdownRope } from './markdown-rope';

/** What a rope must answer, against a plain string doing the same. */
type Operation = { append: string } | { truncate: number } | { from: number };

describe('MarkdownRope', () => {
  it('answers as a string built the same way would', () => {
    const operation = fc.oneof(
      fc.record({ append: fc.string({ maxLength: 14 }) }),
      fc.record({ truncate: fc.integer({ min: -2, max: 60 }) }),
      fc.record({ from: fc.integer({ min: -2, max: 60 }) }),
    );
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 40 }), (operations: Operation[]) => {
        const rope = new MarkdownRope();
        let text = '';
        for (const op of operations) {
          if ('append' in op) {
            rope.append(op.append);
            text += op.append;
          } else if ('truncate' in op) {
            rope.truncate(op.truncate);
            text = text.substr(0, Math.max(0, op.truncate));
          } else expect(rope.from(op.from)).toBe(text.substr(Math.max(0, op.from)));
          expect(rope.length).toBe(text.length);
          expect(rope.tail).toBe(text.slice(-10));
        }
        expect(rope.toString()).toBe(text);
        expect(rope.from(0)).toBe(text);
      }),
      { numRuns: 500 },
    );
  });
});
