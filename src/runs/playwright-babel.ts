import { dirname } from 'node:path';

/**
 * The Babel that Playwright Test loads a test file with (its own bundle, at the version of
 * our @playwright/test): a file it parses here loads there, and one it refuses here would
 * fail to load on the worker. Its plugins and TypeScript preset are Playwright's, so the
 * parse sees what the runner will see. Not a public entry point of Playwright: this file
 * is the one place that knows where it is.
 */
export interface PlaywrightBabel {
  /** Parses a file as Playwright Test would load it; throws a SyntaxError with `loc` (line 1-based, column 0-based). */
  babelParse(code: string, filename: string, isModule: boolean): BabelFile;
}

/** The part of Babel's AST this project reads. */
export interface BabelNode {
  type: string;
  loc?: { start: { line: number; column: number } } | null;
  [key: string]: unknown;
}
export interface BabelFile extends BabelNode {
  program: BabelNode;
}

let loaded: PlaywrightBabel | undefined;

/** Loaded on first use (about 0.2 to 0.3 s, once per process): a process that never checks a script never pays. */
export function playwrightBabel(): PlaywrightBabel {
  if (!loaded) {
    const playwrightTest = dirname(require.resolve('@playwright/test'));
    const bundle = require.resolve('playwright/lib/transform/babelBundle', { paths: [playwrightTest] });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(bundle) as PlaywrightBabel;
  }
  return loaded;
}
