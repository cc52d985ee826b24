import { getIntrospectionQuery, parse } from 'graphql';
import { documentLimitError, measureDocument } from './document-shape';

describe('measureDocument', () => {
  it('counts fragments where they are spread, so multiplying fragments cannot hide their size', () => {
    const fragments = [
      'fragment F0 on Query { __typename }',
      ...Array.from({ length: 12 }, (_, i) => `fragment F${i + 1} on Query { ...F${i} ...F${i} }`),
    ];
    const error = documentLimitError(parse(`{ ...F12 } ${fragments.join(' ')}`));
    expect(error).toMatch(/field limit/);
  });

  it('treats a fragment cycle as over the limit instead of looping', () => {
    expect(documentLimitError(parse('{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }'))).toMatch(
      /field limit/,
    );
  });

  it('does not count introspection in the depth, so GraphiQL can introspect', () => {
    expect(
      documentLimitError(parse(getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true }))),
    ).toBeUndefined();
    expect(measureDocument(parse('{ a { b { c } } }')).depth).toBe(3);
  });
});
