import fc from 'fast-check';
import { isScriptRun, parseRunDefinition } from './run-definition';

const limits = { maxTimeoutMs: 120000 };
const parse = (body: unknown) => parseRunDefinition(body, limits);
const errorsOf = (body: unknown) => parse(body).errors;

const SPEC = `import { test, expect } from '@playwright/test';
import { LoginPage } from './pages/login';

test('signs in', async ({ page }) => {
  const login = new LoginPage(page);
  await login.open();
  await expect(page.getByRole('heading')).toHaveText('Welcome');
});
`;
const PAGE = `import type { Page } from '@playwright/test';
import users from '../data/users.json';

export class LoginPage {
  constructor(private readonly page: Page) {}
  async open(): Promise<void> {
    await this.page.goto('/login');
    await this.page.getByLabel('Email').fill(users[0].email);
  }
}
`;
const threeFiles = { 'checkout.spec.ts': SPEC, 'pages/login.ts': PAGE, 'data/users.json': '[{"email":"a@b.c"}]' };
const scriptRun = (script: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  name: 'checkout',
  baseUrl: 'http://127.0.0.1:4000',
  script,
  ...extra,
});
/** One test file holding `code`. */
const oneFile = (code: string, name = 'a.spec.ts') => scriptRun({ files: { [name]: code } });

describe('a script run', () => {
  it('is accepted with its defaults filled in, and is told apart from a step run', () => {
    const { definition, errors } = parse(scriptRun({ files: threeFiles }));
    expect(errors).toEqual([]);
    expect(definition).toEqual({
      name: 'checkout',
      baseUrl: 'http://127.0.0.1:4000',
      script: { files: threeFiles, retries: 0, timeout: 30000, use: {} },
      env: {},
      secrets: [],
      options: {
        timeoutMs: 60000,
        stepTimeoutMs: 10000,
        video: false,
        trace: 'retain-on-failure',
        screenshots: 'only-on-failure',
      },
      priority: 5,
    });
    expect(isScriptRun(definition!)).toBe(true);
    expect(isScriptRun(parse({ name: 'x', steps: [{ action: 'goto', url: 'http://a.test' }] }).definition!)).toBe(
      false,
    );
  });

  it('keeps grep, retries, timeout, use, env and secrets as given', () => {
    const use = {
      viewport: { width: 1280, height: 720 },
      locale: 'en-GB',
      timezoneId: 'Europe/Paris',
      extraHTTPHeaders: { 'x-team': 'qa' },
      storageState: { cookies: [{ name: 'a', value: 'b' }], origins: [] },
      colorScheme: 'dark',
      ignoreHTTPSErrors: true,
      geolocation: { latitude: 48.85, longitude: 2.35 },
      permissions: ['geolocation'],
      actionTimeout: 5000,
      testIdAttribute: 'data-test',
    };
    const { definition, errors } = parse(
      scriptRun(
        {
          files: { 'a.test.js': "const { test } = require('@playwright/test');" },
          grep: '@smoke',
          retries: 2,
          timeout: 5000,
          use,
        },
        { env: { SHOP_USER: 'ada' }, secrets: ['SHOP_PASSWORD'] },
      ),
    );
    expect(errors).toEqual([]);
    expect(definition).toMatchObject({
      script: { grep: '@smoke', retries: 2, timeout: 5000, use },
      env: { SHOP_USER: 'ada' },
      secrets: ['SHOP_PASSWORD'],
    });
  });

  it('accepts what `playwright codegen --target=playwright-test` writes', () => {
    const codegen = `import { test, expect } from '@playwright/test';

test('test', async ({ page }) => {
  await page.goto('https://demo.playwright.dev/todomvc/');
  await page.getByRole('link', { name: 'real TodoMVC app' }).click();
  await page.getByPlaceholder('What needs to be done?').fill('buy milk');
  await page.getByPlaceholder('What needs to be done?').press('Enter');
  await expect(page.getByTestId('todo-title')).toHaveText('buy milk');
});
`;
    expect(errorsOf(oneFile(codegen, 'test-1.spec.ts'))).toEqual([]);
  });

  it.each([
    ['node: built-ins', "import { readFile } from 'node:fs/promises';"],
    ['bare built-ins', "import path from 'path'; const cp = require('child_process');"],
    ['subpaths of @playwright/test', "import { defineConfig } from '@playwright/test/reporter';"],
    ['a .js specifier meaning a .ts file', "import { LoginPage } from './pages/login.js';"],
    ['a folder index', "export * from './pages';"],
    ['dynamic imports of own files', "const page = await import('./pages/login');"],
  ])('allows %s', (_what, line) => {
    const files = { 'a.spec.ts': `${line}\n`, 'pages/login.ts': 'export const a = 1;', 'pages/index.ts': '' };
    expect(errorsOf(scriptRun({ files }))).toEqual([]);
  });
});

describe('the acceptance check of a script', () => {
  it('names the file, line and column of a syntax error', () => {
    expect(
      errorsOf(
        oneFile(
          "import { test } from '@playwright/test';\n\ntest('x', async ({ page }) => {\n  await page.goto(;\n});\n",
        ),
      ),
    ).toEqual(['script.files["a.spec.ts"] line 4, column 19: Unexpected token']);
  });

  it('names a TypeScript error the same way', () => {
    expect(errorsOf(oneFile('const a: number = 1;\nclass A {\n  declare x: number = 3;\n}\n'))).toEqual([
      'script.files["a.spec.ts"] line 3, column 21: Initializers are not allowed in ambient contexts.',
    ]);
  });

  it('reads TypeScript syntax only in TypeScript files', () => {
    expect(errorsOf(oneFile('const a: number = 1;\n', 'a.spec.js'))).toEqual([
      expect.stringMatching(/^script\.files\["a\.spec\.js"\] line 1, column 8: /),
    ]);
  });

  it.each([
    ['a bare import', "import _ from 'lodash';", 'lodash'],
    ['import type', "import type { X } from 'lodash';", 'lodash'],
    ['export ... from', "export { a } from 'left-pad';", 'left-pad'],
    ['export * from', "export * from 'left-pad';", 'left-pad'],
    ['require', "const x = require('axios');", 'axios'],
    ['require with a template', 'const x = require(`axios`);', 'axios'],
    ['import()', "const x = await import('axios');", 'axios'],
    ['import = require', "import x = require('axios');", 'axios'],
    ['an absolute path', "import x from '/etc/passwd';", '/etc/passwd'],
    ['a package that looks like Playwright', "import x from '@playwright/testing';", '@playwright/testing'],
    ['playwright itself', "import { chromium } from 'playwright';", 'playwright'],
    ['an unknown node: module', "import x from 'node:nope';", 'node:nope'],
  ])('refuses %s, naming the file, line and module', (_what, line, module) => {
    expect(errorsOf(oneFile(`import { test } from '@playwright/test';\n${line}\n`))).toEqual([
      `script.files["a.spec.ts"] line 2: cannot import "${module}": only @playwright/test, Node's built-in modules and the script's own files can be imported`,
    ]);
  });

  it('refuses a relative import of a file the script does not have, or one outside it', () => {
    expect(errorsOf(scriptRun({ files: { 'tests/a.spec.ts': "import './helpers';\nimport '../../up';\n" } }))).toEqual([
      'script.files["tests/a.spec.ts"] line 1: cannot import "./helpers": no file of the script is tests/helpers (with or without an extension, or its index)',
      'script.files["tests/a.spec.ts"] line 2: cannot import "../../up": it is outside the script\'s files',
    ]);
  });

  it('refuses a JSON file that is not JSON', () => {
    expect(errorsOf(scriptRun({ files: { 'a.spec.ts': '', 'data.json': '{ a: 1 }' } }))).toEqual([
      expect.stringMatching(/^script\.files\["data\.json"\] is not valid JSON: /),
    ]);
  });

  it('reports every problem of every file at once', () => {
    const errors = errorsOf(
      scriptRun({
        files: { 'a.spec.ts': 'import a from "a";\nimport b from "b";', 'b.spec.ts': 'let = ;', 'c.json': '' },
      }),
    );
    expect(errors).toHaveLength(4);
  });

  it('checks deeply nested code, and answers a 400 for code nested past what Babel parses', () => {
    const nested = (depth: number) => `const a = ${'['.repeat(depth)}${']'.repeat(depth)};\nrequire('lodash');\n`;
    expect(errorsOf(oneFile(nested(200)))).toEqual([expect.stringContaining('line 2: cannot import "lodash"')]);
    expect(errorsOf(oneFile(nested(20000)))).toEqual([
      'script.files["a.spec.ts"] cannot be parsed: Maximum call stack size exceeded',
    ]);
  });
});

describe('the bounds of a script', () => {
  const code = "import { test } from '@playwright/test';\n";

  it('refuses too many files', () => {
    const files = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`t${i}.spec.ts`, code]));
    expect(errorsOf(scriptRun({ files }))).toEqual(['script.files may have at most 50 files (got 51)']);
  });

  it('refuses more than 512 KiB in all', () => {
    const files = { 'a.spec.ts': code, 'b.ts': `// ${'x'.repeat(300 * 1024)}`, 'c.ts': `// ${'x'.repeat(300 * 1024)}` };
    expect(errorsOf(scriptRun({ files }))).toEqual(['script.files may hold at most 512 KiB in all (got 601 KiB)']);
  });

  it.each([
    ['/etc/a.spec.ts', 'must be a relative path, not an absolute one'],
    ['../a.spec.ts', 'must not contain .. (every file stays inside the script)'],
    ['a/../../b.spec.ts', 'must not contain .. (every file stays inside the script)'],
    ['a\\b.spec.ts', 'must separate folders with /, not \\'],
    ['node_modules/x/index.js', 'cannot be in node_modules'],
    [
      'a//b.spec.ts',
      'must be folders and a file name made of letters, digits, _ . - (each starting with a letter, digit or _)',
    ],
    [
      '.hidden.spec.ts',
      'must be folders and a file name made of letters, digits, _ . - (each starting with a letter, digit or _)',
    ],
    [
      'a b.spec.ts',
      'must be folders and a file name made of letters, digits, _ . - (each starting with a letter, digit or _)',
    ],
    ['a.spec.py', 'must end in .ts, .tsx, .js, .jsx, .mjs, .cjs, .mts, .cts, .json'],
    [`${'a'.repeat(200)}.ts`, 'must be at most 200 characters'],
  ])('refuses the path %j', (path, message) => {
    expect(errorsOf(scriptRun({ files: { 'ok.spec.ts': code, [path]: code } }))).toEqual([
      `script.files[${JSON.stringify(path)}] ${message}`,
    ]);
  });

  it('needs a test file and at least one file', () => {
    expect(errorsOf(scriptRun({ files: { 'helpers.ts': code } }))).toEqual([
      'script.files must include a test file: a name ending in .spec.ts, .test.ts (or .js, .mjs, .tsx ...)',
    ]);
    expect(errorsOf(scriptRun({ files: {} }))).toEqual(['script.files must have at least one file']);
    expect(errorsOf(scriptRun({}))).toEqual([expect.stringMatching(/^script\.files is required/)]);
  });

  it('refuses a grep that is not a RegExp, bad retries and timeout, unknown fields', () => {
    expect(
      errorsOf(
        scriptRun({
          files: { 'a.spec.ts': code },
          grep: '(',
          grepInvert: 'x'.repeat(1001),
          retries: 6,
          timeout: 500,
          repeat: 2,
        }),
      ),
    ).toEqual([
      'script.grep is not a JavaScript RegExp: Invalid regular expression: /(/: Unterminated group',
      'script.grepInvert must be at most 1000 characters',
      'script.retries must be a whole number from 0 to 5',
      'script.timeout must be a whole number of milliseconds from 1000 to 120000 (TEST_EXECUTION_TIMEOUT_MS)',
      'script.repeat is not a field of a script (files, grep, grepInvert, retries, timeout, use)',
    ]);
  });

  it('refuses use options out of bounds, and baseURL in use', () => {
    expect(
      errorsOf(
        scriptRun({
          files: { 'a.spec.ts': code },
          use: {
            baseURL: 'http://x',
            viewport: { width: 0, height: 10 },
            timezoneId: 'Mars/Olympus',
            colorScheme: 'blue',
          },
        }),
      ),
    ).toEqual([
      'script.use.viewport.width must be a whole number of pixels from 1 to 10000',
      'script.use.timezoneId must be an IANA time zone such as Europe/Paris',
      'script.use.colorScheme must be light, dark or no-preference',
      "script.use.baseURL is set from the run's baseUrl, not in use",
    ]);
  });
});

describe('steps or script, env and secrets', () => {
  const steps = [{ action: 'goto', url: 'http://a.test' }];
  const script = { files: { 'a.spec.ts': '' } };

  it('takes exactly one of steps and script', () => {
    expect(errorsOf({ name: 'x', steps, script })).toEqual([
      'steps and script cannot both be given: a run is either steps or a script',
    ]);
    expect(errorsOf({ name: 'x' })).toEqual([
      'steps or script is required: a list of steps, or a script (Playwright Test files)',
    ]);
  });

  it('refuses env and secrets on a step run', () => {
    expect(errorsOf({ name: 'x', steps, env: { A: '1' }, secrets: ['B'] })).toEqual([
      'env is for script runs only (a step run has no process environment)',
      'secrets is for script runs only (a step run has no process environment)',
    ]);
  });

  it('checks variable and secret names, sizes and counts', () => {
    expect(
      errorsOf(
        scriptRun(script, {
          env: { NODE_OPTIONS: '--inspect', PATH: '/x', '1A': 'x', BIG: 'x'.repeat(8193) },
          secrets: ['PW_DEBUG', 'TOKEN', 'OK', 'OK'],
        }),
      ),
    ).toEqual([
      'env.BIG must be at most 8192 bytes',
      'env["NODE_OPTIONS"] is reserved (PATH, HOME, TMPDIR, NODE_*, PLAYWRIGHT_*, PW_* are set by the runner)',
      'env["PATH"] is reserved (PATH, HOME, TMPDIR, NODE_*, PLAYWRIGHT_*, PW_* are set by the runner)',
      'env["1A"] must be a variable name: letters, digits and _, not starting with a digit, at most 64 characters',
      'secrets[0] is reserved (PATH, HOME, TMPDIR, NODE_*, PLAYWRIGHT_*, PW_* are set by the runner)',
      'secrets[3] "OK" is named twice',
    ]);
    expect(errorsOf(scriptRun(script, { env: { TOKEN: 'x' }, secrets: ['TOKEN'] }))).toEqual([
      'secrets[0] "TOKEN" is also in env: a variable is either plain (env) or secret',
    ]);
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`V${i}`, 'x']));
    expect(errorsOf(scriptRun(script, { env: many }))).toEqual(['env may have at most 100 variables (got 101)']);
    expect(errorsOf(scriptRun(script, { secrets: Array.from({ length: 51 }, (_, i) => `S${i}`) }))).toEqual([
      'secrets may name at most 50 secrets (got 51)',
    ]);
  });
});

describe('any script body', () => {
  it('is answered with a definition or problems, never an exception', () => {
    const code = fc.oneof(
      fc.string(),
      fc
        .array(
          fc.constantFrom(
            'import ',
            "'lodash'",
            'require(',
            "'./a'",
            ')',
            '{',
            '}',
            '`',
            '${',
            'type X = ',
            '<a>',
            ';',
            '\n',
          ),
          { maxLength: 20 },
        )
        .map((parts) => parts.join('')),
    );
    const path = fc.oneof(
      fc.constantFrom('a.spec.ts', 'a.ts', 'b/c.spec.js', 'd.json', '../x.ts', '/x.ts'),
      fc.string(),
    );
    fc.assert(
      fc.property(
        fc.oneof(fc.dictionary(path, code, { maxKeys: 5 }), fc.anything()),
        fc.anything(),
        fc.anything(),
        (files, use, env) => {
          const result = parse(scriptRun({ files, use }, { env }));
          expect(result.definition !== undefined || result.errors.length > 0).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
