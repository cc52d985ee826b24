/** A script run's own fields (README: script runs): Playwright Test files, how they run, their environment. */

import { z } from 'zod';
import { FIELD } from '../validation/problem-lines';
import { closedObject, flag, optional, withDefault, wholeNumber } from '../validation/request-fields';
import { checkScriptFiles, describeProblem, fileKey, SCRIPT_EXTENSIONS, TEST_FILE } from './script-check';

/** What a Playwright config's `use` may set for a script run; baseURL comes from the run's baseUrl. */
export interface ScriptUse {
  viewport?: { width: number; height: number };
  locale?: string;
  timezoneId?: string;
  extraHTTPHeaders?: Record<string, string>;
  // object, not unknown: TypeORM's insert types refuse unknown inside a jsonb column's type.
  storageState?: { cookies: object[]; origins: object[] };
  colorScheme?: 'light' | 'dark' | 'no-preference';
  userAgent?: string;
  ignoreHTTPSErrors?: boolean;
  javaScriptEnabled?: boolean;
  isMobile?: boolean;
  hasTouch?: boolean;
  deviceScaleFactor?: number;
  offline?: boolean;
  permissions?: string[];
  geolocation?: { latitude: number; longitude: number; accuracy?: number };
  actionTimeout?: number;
  navigationTimeout?: number;
  testIdAttribute?: string;
}

/** The code of a script run and how Playwright Test runs it. */
export interface ScriptDefinition {
  /** Path (relative, `/`-separated) → the file's text. */
  files: Record<string, string>;
  /** Only tests whose title matches (a JavaScript RegExp source). */
  grep?: string;
  /** Not the tests whose title matches. */
  grepInvert?: string;
  /** Retries of a failed test: 0 to 5, default 0. */
  retries: number;
  /** Each test's timeout in ms: 1000 to TEST_EXECUTION_TIMEOUT_MS, default 30000. */
  timeout: number;
  /** Default {}. */
  use: ScriptUse;
}

export const MAX_SCRIPT_FILES = 50;
export const MAX_SCRIPT_BYTES = 512 * 1024;
export const MAX_SCRIPT_PATH = 200;
export const MAX_RETRIES = 5;
export const DEFAULT_TEST_TIMEOUT_MS = 30000;
export const MAX_ENV = 100;
export const MAX_ENV_VALUE_BYTES = 8192;
export const MAX_SECRETS = 50;

/** A variable's name: a shell's, at most 64 characters. */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** Names the runner sets itself: a run may not override how Node and Playwright start. */
const RESERVED_VARIABLE = /^(PATH|HOME|TMPDIR|NODE_.*|PLAYWRIGHT_.*|PW_.*)$/i;
const RESERVED_LIST = 'PATH, HOME, TMPDIR, NODE_*, PLAYWRIGHT_*, PW_*';

/** What is wrong with a variable or secret name, if anything. */
export function variableNameProblem(name: string): string | undefined {
  if (!VARIABLE_NAME.test(name))
    return 'must be a variable name: letters, digits and _, not starting with a digit, at most 64 characters';
  if (RESERVED_VARIABLE.test(name)) return `is reserved (${RESERVED_LIST} are set by the runner)`;
  return undefined;
}

const PATH_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** What is wrong with a file's path, if anything. */
export function scriptPathProblem(path: string): string | undefined {
  if (path === '') return 'is not a file path (empty)';
  if (path.length > MAX_SCRIPT_PATH) return `must be at most ${MAX_SCRIPT_PATH} characters`;
  if (path.includes('\\')) return 'must separate folders with /, not \\';
  if (path.startsWith('/')) return 'must be a relative path, not an absolute one';
  const segments = path.split('/');
  if (segments.includes('..')) return 'must not contain .. (every file stays inside the script)';
  if (segments.includes('node_modules')) return 'cannot be in node_modules';
  if (!segments.every((segment) => PATH_SEGMENT.test(segment)))
    return 'must be folders and a file name made of letters, digits, _ . - (each starting with a letter, digit or _)';
  if (!SCRIPT_EXTENSIONS.some((ext) => path.endsWith(ext))) return `must end in ${SCRIPT_EXTENSIONS.join(', ')}`;
  return undefined;
}

const kib = (bytes: number) => `${Math.ceil(bytes / 1024)} KiB`;

/**
 * The files' bounds (count, total size, each path, a test file among them); then, if they
 * hold, the acceptance check (script-check.ts): syntax, imports, JSON. Each problem names
 * its file: `script.files["a.spec.ts"] line 3, column 7: Unexpected token`.
 */
function checkFiles(files: Record<string, string>, ctx: z.RefinementCtx): void {
  const problem = (message: string) => ctx.addIssue({ code: 'custom', message, input: files });
  const paths = Object.keys(files);
  if (paths.length === 0) return problem('must have at least one file');
  if (paths.length > MAX_SCRIPT_FILES)
    return problem(`may have at most ${MAX_SCRIPT_FILES} files (got ${paths.length})`);
  const bytes = Object.values(files).reduce((sum, text) => sum + Buffer.byteLength(text), 0);
  if (bytes > MAX_SCRIPT_BYTES) return problem(`may hold at most ${kib(MAX_SCRIPT_BYTES)} in all (got ${kib(bytes)})`);
  let bounded = true;
  for (const path of paths) {
    const wrong = scriptPathProblem(path);
    if (wrong) {
      problem(`${FIELD}${fileKey(path)} ${wrong}`);
      bounded = false;
    }
  }
  if (!bounded) return;
  if (!paths.some((path) => TEST_FILE.test(path)))
    problem('must include a test file: a name ending in .spec.ts, .test.ts (or .js, .mjs, .tsx ...)');
  for (const found of checkScriptFiles(files)) problem(`${FIELD}${describeProblem(found)}`);
}

const regExpSource = optional(
  z
    .string({ error: 'must be a regular expression (a string)' })
    .max(1000, { error: 'must be at most 1000 characters' })
    .superRefine((source, ctx) => {
      try {
        new RegExp(source);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `is not a JavaScript RegExp: ${(error as Error).message}` });
      }
    }),
);

const text = (max: number, what = 'a string') =>
  z.string({ error: `must be ${what}` }).max(max, { error: `must be at most ${max} characters` });
const number = (min: number, max: number, message: string) =>
  z.number({ error: message }).min(min, { error: message }).max(max, { error: message });

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

const USE_FIELDS =
  'viewport, locale, timezoneId, extraHTTPHeaders, storageState, colorScheme, userAgent, ignoreHTTPSErrors, javaScriptEnabled, isMobile, hasTouch, deviceScaleFactor, offline, permissions, geolocation, actionTimeout, navigationTimeout, testIdAttribute';

/** The `use` options a run may set, each checked for its type and bounds. */
const useSchema = (maxTimeoutMs: number) =>
  z
    .strictObject(
      {
        viewport: optional(
          closedObject(
            {
              width: wholeNumber(1, 10000, 'must be a whole number of pixels from 1 to 10000'),
              height: wholeNumber(1, 10000, 'must be a whole number of pixels from 1 to 10000'),
            },
            'is not a field of a viewport (width, height)',
            'must be { width, height }',
          ),
        ).meta({ example: { width: 1280, height: 720 } }),
        locale: optional(
          text(35).regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, { error: 'must be a locale such as en-GB' }),
        ).meta({ example: 'en-GB' }),
        timezoneId: optional(
          text(64).refine(isTimeZone, { error: 'must be an IANA time zone such as Europe/Paris' }),
        ).meta({ example: 'Europe/Paris' }),
        extraHTTPHeaders: optional(
          z
            .record(
              z.string().regex(HEADER_NAME, { error: 'must be an HTTP header name' }),
              z
                .string({ error: 'must be a string' })
                .max(8192, { error: 'must be at most 8192 characters' })
                .refine((value) => !/[\r\n\0]/.test(value), { error: 'must not contain line breaks' }),
              { error: 'must be an object of header names to values' },
            )
            .refine((headers) => Object.keys(headers).length <= 50, { error: 'may have at most 50 headers' }),
        ).meta({ example: { 'accept-language': 'en-GB' } }),
        storageState: optional(
          closedObject(
            {
              cookies: z
                .array(z.record(z.string(), z.unknown()), { error: 'must be a list of cookie objects' })
                .max(1000, { error: 'may have at most 1000 cookies' }),
              origins: z
                .array(z.record(z.string(), z.unknown()), { error: 'must be a list of origin objects' })
                .max(200, { error: 'may have at most 200 origins' }),
            },
            'is not a field of a storage state (cookies, origins)',
            'must be { cookies, origins } as context.storageState() saves it',
          ),
        ).meta({ description: 'As `context.storageState()` saves it' }),
        colorScheme: optional(
          z.enum(['light', 'dark', 'no-preference'], { error: 'must be light, dark or no-preference' }),
        ),
        userAgent: optional(text(1000)),
        ignoreHTTPSErrors: optional(flag()),
        javaScriptEnabled: optional(flag()),
        isMobile: optional(flag()),
        hasTouch: optional(flag()),
        deviceScaleFactor: optional(number(0.1, 10, 'must be a number from 0.1 to 10')),
        offline: optional(flag()),
        permissions: optional(
          z
            .array(text(100), { error: 'must be a list of permission names' })
            .max(50, { error: 'may have at most 50 permissions' }),
        ).meta({ example: ['geolocation'] }),
        geolocation: optional(
          closedObject(
            {
              latitude: number(-90, 90, 'must be a number from -90 to 90'),
              longitude: number(-180, 180, 'must be a number from -180 to 180'),
              accuracy: optional(number(0, 1e7, 'must be a number of metres, 0 or more')),
            },
            'is not a field of a geolocation (latitude, longitude, accuracy)',
            'must be { latitude, longitude, accuracy? }',
          ).transform((geo) => dropUndefined(geo)),
        ),
        actionTimeout: optional(
          wholeNumber(0, maxTimeoutMs, `must be a whole number of milliseconds from 0 (none) to ${maxTimeoutMs}`),
        ),
        navigationTimeout: optional(
          wholeNumber(0, maxTimeoutMs, `must be a whole number of milliseconds from 0 (none) to ${maxTimeoutMs}`),
        ),
        testIdAttribute: optional(
          text(100).regex(/^[A-Za-z_:][A-Za-z0-9_.:-]*$/, { error: 'must be an attribute name' }),
        ).meta({ example: 'data-test' }),
      },
      {
        error: (issue) =>
          issue.code !== 'unrecognized_keys'
            ? 'must be an object of Playwright `use` options'
            : issue.keys.includes('baseURL')
              ? "is set from the run's baseUrl, not in use"
              : `is not a use option a run may set (${USE_FIELDS})`,
      },
    )
    .transform((use): ScriptUse => dropUndefined(use) as ScriptUse);

/** A script: its files, which tests, retries, each test's timeout, `use` options. */
export const scriptSchema = (maxTimeoutMs: number) => {
  const timeoutMessage = `must be a whole number of milliseconds from 1000 to ${maxTimeoutMs} (TEST_EXECUTION_TIMEOUT_MS)`;
  return closedObject(
    {
      files: z
        .record(z.string(), z.string({ error: "must be the file's text (a string)" }), {
          error: 'is required: an object of file paths to their text ({ "checkout.spec.ts": "import { test } ..." })',
        })
        .superRefine(checkFiles)
        .meta({
          description: `Path → text: Playwright Test files (TypeScript or JavaScript), relative imports between them; at most ${MAX_SCRIPT_FILES} files, ${kib(MAX_SCRIPT_BYTES)} in all; at least one *.spec.* or *.test.* file. Only @playwright/test, Node's built-in modules and these files can be imported.`,
          example: {
            'checkout.spec.ts':
              "import { test, expect } from '@playwright/test';\n\ntest('home', async ({ page }) => {\n  await page.goto('/');\n  await expect(page).toHaveTitle(/Home/);\n});\n",
          },
        }),
      grep: regExpSource.meta({ description: 'Only tests whose title matches (a JavaScript RegExp)' }),
      grepInvert: regExpSource.meta({ description: 'Not the tests whose title matches (a JavaScript RegExp)' }),
      retries: withDefault(wholeNumber(0, MAX_RETRIES, `must be a whole number from 0 to ${MAX_RETRIES}`), 0).meta({
        description: 'Retries of a failed test (a test that passes on a retry is flaky)',
        example: 1,
      }),
      timeout: withDefault(
        wholeNumber(1000, maxTimeoutMs, timeoutMessage),
        Math.min(DEFAULT_TEST_TIMEOUT_MS, maxTimeoutMs),
      ).meta({ description: "Each test's timeout in milliseconds (default 30000)", example: 30000 }),
      use: withDefault(useSchema(maxTimeoutMs), {}).meta({
        description: "Options a Playwright config's `use` would set (baseURL is the run's baseUrl)",
      }),
    },
    'is not a field of a script (files, grep, grepInvert, retries, timeout, use)',
    'must be an object with files',
  ).transform(({ files, grep, grepInvert, retries, timeout, use }): ScriptDefinition => ({
    files,
    ...(grep !== undefined ? { grep } : {}),
    ...(grepInvert !== undefined ? { grepInvert } : {}),
    retries,
    timeout,
    use,
  }));
};

/** Plain variables for the tests' process.env. */
export const envSchema = z
  .record(
    z.string(),
    z
      .string({ error: 'must be a string' })
      .refine((value) => Buffer.byteLength(value) <= MAX_ENV_VALUE_BYTES, {
        error: `must be at most ${MAX_ENV_VALUE_BYTES} bytes`,
      })
      .refine((value) => !value.includes('\0'), { error: 'must not contain a NUL character' }),
    { error: 'must be an object of variable names to string values' },
  )
  .superRefine((env, ctx) => {
    const names = Object.keys(env);
    if (names.length > MAX_ENV)
      return ctx.addIssue({ code: 'custom', message: `may have at most ${MAX_ENV} variables (got ${names.length})` });
    for (const name of names) {
      const wrong = variableNameProblem(name);
      if (wrong) ctx.addIssue({ code: 'custom', message: `${FIELD}${fileKey(name)} ${wrong}` });
    }
  });

/** Names of stored secrets (POST /api/secrets) for the tests' process.env. */
export const secretsSchema = z
  .array(z.string({ error: 'must be a secret name (a string)' }), { error: 'must be a list of secret names' })
  .max(MAX_SECRETS, {
    error: (issue) => `may name at most ${MAX_SECRETS} secrets (got ${(issue.input as unknown[]).length})`,
  })
  .superRefine((names, ctx) => {
    const seen = new Set<string>();
    names.forEach((name, i) => {
      const wrong = variableNameProblem(name);
      if (wrong) ctx.addIssue({ code: 'custom', path: [i], message: wrong });
      else if (seen.has(name)) ctx.addIssue({ code: 'custom', path: [i], message: `"${name}" is named twice` });
      seen.add(name);
    });
  });
