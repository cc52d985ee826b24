import { presentedApiKey } from './api-key';
import { matchesAnySecret, matchingSecretIndex } from './secret-compare';

describe('matchesAnySecret', () => {
  it('accepts any listed key and nothing else', () => {
    expect(matchesAnySecret('b', ['a', 'b'])).toBe(true);
    expect(matchesAnySecret('c', ['a', 'b'])).toBe(false);
    expect(matchesAnySecret('', ['a'])).toBe(false);
    expect(matchesAnySecret('a', [])).toBe(false);
  });

  it('does not accept a prefix or an extension of a key', () => {
    expect(matchesAnySecret('secret', ['secret-key'])).toBe(false);
    expect(matchesAnySecret('secret-key-2', ['secret-key'])).toBe(false);
  });

  it('tells which key matched (the first, if listed twice)', () => {
    expect(matchingSecretIndex('b', ['a', 'b', 'b'])).toBe(1);
    expect(matchingSecretIndex('c', ['a', 'b'])).toBe(-1);
  });
});

describe('presentedApiKey', () => {
  it('reads a Bearer token or an x-api-key header', () => {
    expect(presentedApiKey({ authorization: 'Bearer abc' })).toBe('abc');
    expect(presentedApiKey({ authorization: 'bearer  abc ' })).toBe('abc');
    expect(presentedApiKey({ 'x-api-key': 'xyz' })).toBe('xyz');
  });

  it('ignores other schemes and empty headers', () => {
    expect(presentedApiKey({ authorization: 'Basic YTpi' })).toBeUndefined();
    expect(presentedApiKey({ 'x-api-key': '' })).toBeUndefined();
    expect(presentedApiKey({})).toBeUndefined();
  });
});
