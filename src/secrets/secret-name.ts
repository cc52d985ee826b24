import { z } from 'zod';

/** A secret's name is the environment variable a test reads it from: a C identifier of at most 64 characters. */
export const SECRET_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** Variables the sandbox sets for the test runner itself: a secret of that name would replace them. */
const RESERVED_NAMES = ['PATH', 'HOME', 'TMPDIR', 'NODE_OPTIONS', 'NODE_PATH'];
/** Prefixes Node and Playwright read settings from (NODE_EXTRA_CA_CERTS, PW_TEST_…, PLAYWRIGHT_BROWSERS_PATH). */
const RESERVED_PREFIXES = ['NODE_', 'PLAYWRIGHT_', 'PW_'];

/**
 * What is wrong with a secret's name (after the field's name, as a 400 says it), or null.
 * Reserved names are refused whatever their case: some platforms read them so, and a
 * `Path` next to `PATH` only confuses. The name is echoed only once it is known to be an
 * identifier, so the answer cannot carry arbitrary text back.
 */
export function secretNameProblem(name: string): string | null {
  if (!SECRET_NAME_PATTERN.test(name))
    return 'must be 1 to 64 letters, digits or underscores, not starting with a digit (a test reads it as process.env[name])';
  const upper = name.toUpperCase();
  if (RESERVED_NAMES.includes(upper))
    return `${name} is refused: the sandbox sets ${upper} itself for the test runner, and a secret would replace it`;
  const prefix = RESERVED_PREFIXES.find((p) => upper.startsWith(p));
  if (prefix)
    return `${name} is refused: names starting with ${prefix} configure Node or Playwright in the sandbox, and a secret would change how tests run`;
  return null;
}

/** A secret's name in a request body, a path or a run definition. */
export const secretNameField = () =>
  z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
    .superRefine((name, ctx) => {
      const problem = secretNameProblem(name);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .meta({
      description:
        'The environment variable a test reads it from (process.env[name]): letters, digits and underscores, ' +
        'not starting with a digit, at most 64; not PATH, HOME, TMPDIR, NODE_OPTIONS, NODE_PATH, nor NODE_*, PLAYWRIGHT_*, PW_*',
      example: 'SHOP_PASSWORD',
    });
