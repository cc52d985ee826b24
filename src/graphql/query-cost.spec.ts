import { buildSchema, parse } from 'graphql';
import { queryCost } from './query-cost';

describe('queryCost', () => {
  const schema = buildSchema(`
    type Step { index: Int }
    type Run { id: ID steps: [Step] }
    type RunPage { items: [Run] nextCursor: String }
    type Query { runs(limit: Int): RunPage run(id: ID): Run }
  `);

  it('multiplies what is below a field by its limit, and its page list adds nothing more', () => {
    // runs 1 + items 10 + id 10
    expect(queryCost(schema, parse('{ runs(limit: 10) { items { id } } }'))).toBe(21);
  });

  it('counts a limit given by a variable at the largest page, and other lists at 20', () => {
    expect(queryCost(schema, parse('query ($n: Int) { runs(limit: $n) { items { id } } }'))).toBe(1 + 200 + 200);
    // run 1 + steps 1 + index 20
    expect(queryCost(schema, parse('{ run(id: "x") { steps { index } } }'))).toBe(22);
  });

  it('adds up aliases and fragments', () => {
    expect(
      queryCost(
        schema,
        parse('{ a: runs(limit: 2) { ...P } b: runs(limit: 2) { ...P } } fragment P on RunPage { items { id } }'),
      ),
    ).toBe(2 * (1 + 2 + 2));
  });
});
