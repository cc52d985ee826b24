import { secretNameProblem } from './secret-name';

describe('secret names', () => {
  it('accepts identifiers of up to 64 characters', () => {
    for (const name of ['A', '_', 'SHOP_PASSWORD', 'api_token_2', 'a'.repeat(64), 'NODEJS_TOKEN', 'PWD_HINT'])
      expect([name, secretNameProblem(name)]).toEqual([name, null]);
  });

  it('refuses what is no environment variable name', () => {
    for (const name of ['', '1ABC', 'A-B', 'A B', 'a'.repeat(65), 'É', 'A=B'])
      expect(secretNameProblem(name)).toMatch(/must be 1 to 64 letters, digits or underscores/);
  });

  it('refuses names the sandbox sets, whatever their case, saying why', () => {
    expect(secretNameProblem('PATH')).toMatch(/the sandbox sets PATH itself/);
    expect(secretNameProblem('home')).toMatch(/the sandbox sets HOME itself/);
    for (const name of ['TMPDIR', 'NODE_OPTIONS', 'NODE_PATH']) expect(secretNameProblem(name)).toMatch(/refused/);
    expect(secretNameProblem('NODE_EXTRA_CA_CERTS')).toMatch(/names starting with NODE_ configure Node or Playwright/);
    expect(secretNameProblem('PLAYWRIGHT_BROWSERS_PATH')).toMatch(/starting with PLAYWRIGHT_/);
    expect(secretNameProblem('pw_test_reuse')).toMatch(/starting with PW_/);
  });
});
