import fc from 'fast-check';
import { MIN_REDACTED_LENGTH, Redactor } from './redactor';

const secretName = fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,10}$/);
/** Values of every kind: plain, unicode, JSON- and URL-special characters, the marker's own characters. */
const secretValue = fc.oneof(
  fc.string({ minLength: 1, maxLength: 20 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
  fc.string({
    unit: fc.constantFrom('a', 'b', '"', '\\', '\n', '/', '%', ' ', '[', ']', ':', 'd', 'X'),
    maxLength: 12,
  }),
);
const secrets = fc.dictionary(secretName, secretValue, { minKeys: 1, maxKeys: 5 });

/** Every form the redactor promises to hide, for values long enough to be redacted. */
const formsOf = (values: Record<string, string>) =>
  Object.values(values)
    .filter((v) => v.length >= MIN_REDACTED_LENGTH)
    .flatMap((v) => {
      const forms = [v, JSON.stringify(v).slice(1, -1)];
      try {
        forms.push(encodeURIComponent(v));
      } catch {
        // no URI form
      }
      return forms;
    });

describe('Redactor', () => {
  it('replaces a value, its JSON-escaped and its URL-encoded forms with the secret name', () => {
    const r = new Redactor({ TOKEN: 'a"b c/d' });
    expect(r.text('token=a"b c/d')).toBe('token=[redacted:TOKEN]');
    expect(r.text('{"token":"a\\"b c/d"}')).toBe('{"token":"[redacted:TOKEN]"}');
    expect(r.text('https://x.test/?t=a%22b%20c%2Fd')).toBe('https://x.test/?t=[redacted:TOKEN]');
  });

  it('redacts the longest value first, so a value inside another does not leave the rest showing', () => {
    const r = new Redactor({ SHORT: 'pass', LONG: 'password123' });
    expect(r.text('use password123 or pass')).toBe('use [redacted:LONG] or [redacted:SHORT]');
  });

  it('leaves values shorter than 4 characters alone', () => {
    const r = new Redactor({ PIN: 'abc', CODE: 'abcd' });
    expect(r.text('abc abcd')).toBe('abc [redacted:CODE]');
  });

  it('redacts every string of a JSON value, keys included, without changing the input', () => {
    const input = { hunter22: ['say hunter22', 1, null, { nested: 'x hunter22 y' }], ok: true };
    const r = new Redactor({ PW: 'hunter22' });
    expect(r.json(input)).toEqual({
      '[redacted:PW]': ['say [redacted:PW]', 1, null, { nested: 'x [redacted:PW] y' }],
      ok: true,
    });
    expect(input.hunter22[0]).toBe('say hunter22');
  });

  it('redacts UTF-8 text inside bytes and leaves every other byte as it was', () => {
    const r = new Redactor({ KEY: 'clé-secrète' });
    const binary = Buffer.from([0xff, 0x00, 0xc3]);
    const input = Buffer.concat([binary, Buffer.from('→clé-secrète←', 'utf8'), binary]);
    expect(r.bytes(input)).toEqual(Buffer.concat([binary, Buffer.from('→[redacted:KEY]←', 'utf8'), binary]));
    const untouched = Buffer.from([1, 2, 3, 0xfe]);
    expect(r.bytes(untouched)).toBe(untouched);
  });

  it('Redactor.none changes nothing', () => {
    expect(Redactor.none.isEmpty).toBe(true);
    expect(Redactor.none.text('anything at all')).toBe('anything at all');
    const value = { a: ['b'] };
    expect(Redactor.none.json(value)).toBe(value);
  });

  it('never leaves a value of 4 characters or more in its output (property)', () => {
    fc.assert(
      fc.property(
        secrets,
        fc.array(fc.oneof(fc.string({ maxLength: 8 }), fc.nat()), { maxLength: 12 }),
        (values, parts) => {
          const list = Object.values(values);
          // Text made of values (and their forms) between arbitrary filler.
          const text = parts
            .map((part) => (typeof part === 'number' ? (formsOf(values)[part % 9] ?? list[part % list.length]) : part))
            .join('');
          const out = new Redactor(values).text(text);
          for (const form of formsOf(values)) expect(out.includes(form)).toBe(false);
          const bytes = new Redactor(values).bytes(Buffer.from(text, 'utf8')).toString('latin1');
          for (const form of formsOf(values)) expect(bytes.includes(Buffer.from(form).toString('latin1'))).toBe(false);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('leaves text that holds no value unchanged (property)', () => {
    fc.assert(
      fc.property(secrets, fc.string({ maxLength: 200 }), (values, text) => {
        fc.pre(formsOf(values).every((form) => !text.includes(form)));
        const r = new Redactor(values);
        expect(r.text(text)).toBe(text);
        expect(r.json({ [text]: [text] })).toEqual({ [text]: [text] });
      }),
      { numRuns: 2000 },
    );
  });

  it('redacts again where a marker and its neighbours spell another value', () => {
    const r = new Redactor({ X: 'abcd', Y: 'X]zz' });
    expect(r.text('abcdzz')).toBe('[redacted:[redacted:Y]');
  });

  it('ends on a value that is itself a marker', () => {
    const r = new Redactor({ A: '[redacted:A]' });
    expect(r.text('x [redacted:A] y')).not.toContain('[redacted:A]');
  });
});
