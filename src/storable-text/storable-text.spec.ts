import fc from 'fast-check';
import { parse } from 'graphql';
import { textProblem, unstorableText } from './storable-text';
import { graphqlTextProblems } from './storable-text.graphql';

/** A JSON value as a request brings it: any strings (lone surrogates included) at any depth. */
const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string({ unit: 'binary' }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    tie('array'),
    tie('object'),
  ),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(fc.string({ unit: 'binary' }), tie('value'), { maxKeys: 4 }),
})).value;

/** What PostgreSQL itself accepts: no NUL, and UTF-8 encodable (a lone surrogate is not). */
const storable = (text: string) => !text.includes('\u0000') && Buffer.from(text, 'utf8').toString('utf8') === text;

describe('textProblem', () => {
  it.each([
    ['a\u0000b', 'contains a NUL character'],
    ['\ud800', 'contains a lone surrogate (\\ud800)'],
    ['x\udc00', 'contains a lone surrogate (\\udc00)'],
    ['\udc00\ud800', 'contains a lone surrogate (\\udc00)'],
  ])('refuses %j', (text, message) => expect(textProblem(text)).toContain(message));

  it.each(['', 'plain', 'é😀 emoji pair', '\ud83d\ude00', 'tab\tnewline\n'])('accepts %j', (text) =>
    expect(textProblem(text)).toBeNull(),
  );

  it('agrees with what UTF-8 and PostgreSQL can hold, for any string', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => (textProblem(text) === null) === storable(text)));
  });
});

describe('unstorableText', () => {
  it('names the field by its path in the body', () => {
    const body = {
      name: 'ok',
      steps: [{ action: 'goto', url: 'https://e.com' }, {}, { action: 'click', selector: '#a\u0000' }],
    };
    expect(unstorableText(body)).toEqual([
      'steps[2].selector contains a NUL character (\\u0000), which cannot be stored',
    ]);
  });

  it('looks at keys too (jsonb refuses a NUL in a key) and quotes odd keys', () => {
    expect(unstorableText({ variables: { 'a\u0000': 1, 'two words': '\ud800' } })).toEqual([
      'a key of variables ("a\\u0000") contains a NUL character (\\u0000), which cannot be stored',
      'variables["two words"] contains a lone surrogate (\\ud800), which is not valid Unicode',
    ]);
  });

  it('prefixes a root name and names a bare string', () => {
    expect(unstorableText({ status: 'x\u0000' }, 'query')).toEqual([
      'query.status contains a NUL character (\\u0000), which cannot be stored',
    ]);
    expect(unstorableText('\u0000')).toEqual(['the body contains a NUL character (\\u0000), which cannot be stored']);
  });

  it('stops after ten problems', () => {
    expect(unstorableText(Array.from({ length: 50 }, () => '\u0000'))).toHaveLength(10);
  });

  it('walks a body nested deeper than the call stack without throwing', () => {
    let deep: unknown = '\u0000';
    for (let i = 0; i < 20_000; i++) deep = [deep];
    expect(unstorableText(deep)).toHaveLength(1);
  });

  it('finds a problem exactly when some key or string of the value cannot be stored', () => {
    const everyText = (value: unknown): string[] =>
      typeof value === 'string'
        ? [value]
        : Array.isArray(value)
          ? value.flatMap(everyText)
          : value && typeof value === 'object'
            ? Object.entries(value).flatMap(([k, v]) => [k, ...everyText(v)])
            : [];
    fc.assert(
      fc.property(jsonValue, (value) => unstorableText(value).length > 0 === !everyText(value).every(storable)),
    );
  });

  it('finds a NUL or lone surrogate planted anywhere', () => {
    fc.assert(
      fc.property(jsonValue, fc.constantFrom('\u0000', '\ud800', '\udfff'), (value, bad) => {
        expect(unstorableText({ wrapper: [value, { planted: `x${bad}` }] })).not.toHaveLength(0);
      }),
    );
  });
});

describe('graphqlTextProblems', () => {
  it('names literals by field and argument, and variables by name', () => {
    const document = parse(
      'mutation($input: JSONObject, $n: String = "d\\u0000") { createRun(input: { name: "a\\u0000", steps: [{ selector: "ok" }, { selector: "\\u0000" }] }) { id } }',
    );
    expect(graphqlTextProblems(document, { input: { to: ['x\ud800'] } })).toEqual([
      '$n (default) contains a NUL character (\\u0000), which cannot be stored',
      'createRun(input).name contains a NUL character (\\u0000), which cannot be stored',
      'createRun(input).steps[1].selector contains a NUL character (\\u0000), which cannot be stored',
      '$input.to[0] contains a lone surrogate (\\ud800), which is not valid Unicode',
    ]);
  });

  it('accepts a clean document', () => {
    expect(graphqlTextProblems(parse('{ runs(status: "queued") { items { id } } }'), { a: 'b' })).toEqual([]);
  });
});
