import { globProblem, PathRules } from './path-rules';

describe('globProblem', () => {
  it.each(['/blog/**', '/docs/*', '/*.html', '/{a,b}/**', '/.well-known/**', '/a[b'])('accepts %s', (glob) =>
    expect(globProblem(glob)).toBeUndefined(),
  );

  it.each([
    ['blog/**', 'must start with /'],
    ['/' + 'a'.repeat(200), 'at most 200 characters'],
    ['', 'must not be empty'],
    ['   ', 'must not be empty'],
    [42, 'must be a string'],
    [null, 'must be a string'],
    ['/a\0b', 'NUL'],
    ['/[z-a]', 'could not be compiled'],
  ])('refuses %j', (glob, message) => expect(globProblem(glob)).toContain(message));

  it('accepts exactly 200 characters', () => expect(globProblem('/' + 'a'.repeat(199))).toBeUndefined());
});

describe('PathRules', () => {
  it('allows every path when there are no include globs', () => {
    const rules = new PathRules([], []);
    expect(rules.allows('/')).toBe(true);
    expect(rules.allows('/anything/at/all')).toBe(true);
  });

  it('needs a path to match an include glob', () => {
    const rules = new PathRules(['/blog/**'], []);
    expect(rules.allows('/blog/a/b')).toBe(true);
    expect(rules.allows('/blog/x')).toBe(true);
    expect(rules.allows('/about')).toBe(false);
  });

  it('accepts a path matching any one of several include globs', () => {
    const rules = new PathRules(['/blog/**', '/docs/**'], []);
    expect(rules.allows('/docs/a')).toBe(true);
    expect(rules.allows('/about')).toBe(false);
  });

  it('lets an exclude glob win over an include glob', () => {
    const rules = new PathRules(['/blog/**'], ['/blog/private/**']);
    expect(rules.allows('/blog/public/a')).toBe(true);
    expect(rules.allows('/blog/private/a')).toBe(false);
  });

  it('excludes with no include globs', () => {
    const rules = new PathRules([], ['/admin/**']);
    expect(rules.allows('/admin/users')).toBe(false);
    expect(rules.allows('/home')).toBe(true);
  });

  it('does not let * cross a /', () => {
    const rules = new PathRules(['/docs/*'], []);
    expect(rules.allows('/docs/a')).toBe(true);
    expect(rules.allows('/docs/a/b')).toBe(false);
  });

  it('matches paths with a leading dot segment', () =>
    expect(new PathRules(['/**'], []).allows('/.well-known/security.txt')).toBe(true));
});
