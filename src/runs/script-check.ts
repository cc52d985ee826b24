import { isBuiltin } from 'node:module';
import { posix } from 'node:path';
import { type BabelNode, playwrightBabel } from './playwright-babel';

/**
 * The acceptance check of a script's files, before it is queued: each code file parses as
 * Playwright Test will load it, imports only what the sandbox offers (Playwright Test,
 * Node's built-ins, the script's own files), and each JSON file is JSON. No worker time is
 * spent on a script that cannot load.
 */

export const CODE_EXTENSIONS = ['.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs', '.mts', '.cts'] as const;
export const SCRIPT_EXTENSIONS = [...CODE_EXTENSIONS, '.json'] as const;

/** A file Playwright Test runs (its default testMatch): `*.spec.*` or `*.test.*` with a code extension. */
export const TEST_FILE = /\.(spec|test)\.[cm]?[jt]sx?$/;

const isCode = (path: string) => CODE_EXTENSIONS.some((ext) => path.endsWith(ext));

/** `["pages/login.ts"]`: how a message names a file of script.files (JSON quoting: a name cannot break out). */
export const fileKey = (path: string) => `[${JSON.stringify(path)}]`;

/** One problem of one file: where it is (a line, maybe a column) and what is wrong. */
export interface FileProblem {
  file: string;
  line?: number;
  column?: number;
  message: string;
}

/** `["a.spec.ts"] line 3, column 7: Unexpected token`, to follow the field's path. */
export function describeProblem({ file, line, column, message }: FileProblem): string {
  const where = line === undefined ? '' : column === undefined ? ` line ${line}` : ` line ${line}, column ${column}`;
  return `${fileKey(file)}${where}${where ? ':' : ''} ${message}`;
}

/** Every problem of the files: syntax first (a file that does not parse is not read further), then imports. */
export function checkScriptFiles(files: Record<string, string>): FileProblem[] {
  const names = new Set(Object.keys(files));
  const problems: FileProblem[] = [];
  for (const [file, text] of Object.entries(files)) {
    if (file.endsWith('.json')) {
      const problem = jsonProblem(text);
      if (problem) problems.push({ file, message: problem });
      continue;
    }
    if (!isCode(file)) continue;
    const parsed = parse(file, text);
    if ('problem' in parsed) {
      problems.push(parsed.problem);
      continue;
    }
    for (const { specifier, line } of moduleSpecifiers(parsed.program)) {
      const refused = importProblem(specifier, file, names);
      if (refused) problems.push({ file, line, message: refused });
    }
  }
  return problems;
}

function jsonProblem(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    return `is not valid JSON: ${(error as Error).message}`;
  }
}

/** Babel's message without its file prefix, location suffix and code frame. */
function shortMessage(message: string, file: string): string {
  let first = message.split('\n')[0];
  const at = first.indexOf(`${file}: `);
  if (at >= 0) first = first.slice(at + file.length + 2);
  first = first.replace(/ \(\d+:\d+\):?$/, '');
  return first.length > 300 ? `${first.slice(0, 297)}...` : first;
}

function parse(file: string, text: string): { program: BabelNode } | { problem: FileProblem } {
  try {
    return { program: playwrightBabel().babelParse(text, file, /\.m[jt]s$/.test(file)).program };
  } catch (error) {
    const { message, loc } = error as { message?: string; loc?: { line: number; column: number } };
    const short = shortMessage(String(message ?? error), file);
    if (!loc) return { problem: { file, message: `cannot be parsed: ${short}` } };
    // Babel's column is 0-based; an editor's (and the message's) is 1-based.
    return { problem: { file, line: loc.line, column: loc.column + 1, message: short } };
  }
}

/** Keys of an AST node that hold no code. */
const NOT_CODE = new Set(['loc', 'start', 'end', 'extra', 'leadingComments', 'trailingComments', 'innerComments']);

const literalText = (node: unknown): string | undefined => {
  const n = node as BabelNode | undefined;
  if (n?.type === 'StringLiteral') return n.value as string;
  // `require(\`x\`)`: a template with no ${} is a literal too.
  if (n?.type === 'TemplateLiteral' && (n.expressions as unknown[]).length === 0)
    return ((n.quasis as BabelNode[])[0].value as { cooked: string }).cooked;
  return undefined;
};

/** The module a node names, if it is an import, an export ... from, require('x') or import('x'). */
function specifierOf(node: BabelNode): string | undefined {
  switch (node.type) {
    case 'ImportDeclaration':
    case 'ExportNamedDeclaration':
    case 'ExportAllDeclaration':
      return literalText(node.source);
    case 'ImportExpression':
      return literalText(node.source);
    case 'TSImportEqualsDeclaration': {
      const ref = node.moduleReference as BabelNode;
      return ref.type === 'TSExternalModuleReference' ? literalText(ref.expression) : undefined;
    }
    case 'CallExpression': {
      const callee = node.callee as BabelNode;
      const isRequire = callee.type === 'Identifier' && callee.name === 'require';
      if (!isRequire && callee.type !== 'Import') return undefined;
      return literalText((node.arguments as unknown[])[0]);
    }
    default:
      return undefined;
  }
}

/** Every module specifier of a program, with its line. Iterative: a deeply nested file cannot overflow the stack. */
export function moduleSpecifiers(program: BabelNode): Array<{ specifier: string; line: number }> {
  const found: Array<{ specifier: string; line: number }> = [];
  const stack: unknown[] = [program];
  while (stack.length) {
    const value = stack.pop();
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push(value[i]);
      continue;
    }
    if (typeof value !== 'object' || value === null || typeof (value as BabelNode).type !== 'string') continue;
    const node = value as BabelNode;
    const specifier = specifierOf(node);
    if (specifier !== undefined) found.push({ specifier, line: node.loc?.start.line ?? 1 });
    const children = Object.entries(node).filter(([key]) => !NOT_CODE.has(key));
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i][1]);
  }
  return found;
}

const ONLY = "only @playwright/test, Node's built-in modules and the script's own files can be imported";

/** Why a file may not import `specifier`, or undefined when it may. */
export function importProblem(specifier: string, from: string, files: ReadonlySet<string>): string | undefined {
  const quoted = JSON.stringify(specifier);
  if (specifier === '@playwright/test' || specifier.startsWith('@playwright/test/')) return undefined;
  if (isBuiltin(specifier)) return undefined;
  if (!/^\.\.?(\/|$)/.test(specifier)) return `cannot import ${quoted}: ${ONLY}`;
  const target = posix.normalize(posix.join(posix.dirname(from), specifier));
  if (target === '..' || target.startsWith('../')) return `cannot import ${quoted}: it is outside the script's files`;
  if (resolveRelative(target, files)) return undefined;
  return `cannot import ${quoted}: no file of the script is ${target} (with or without an extension, or its index)`;
}

/** TypeScript's ESM style: `./page.js` means ./page.ts when that is what there is. */
const TS_FOR_JS: Record<string, string[]> = {
  '.js': ['.ts', '.tsx'],
  '.jsx': ['.tsx'],
  '.mjs': ['.mts'],
  '.cjs': ['.cts'],
};

/** The script's file a relative import means, as Node and Playwright's loader would find it. */
export function resolveRelative(target: string, files: ReadonlySet<string>): string | undefined {
  const bare = target.replace(/\/$/, '');
  const ext = posix.extname(bare);
  const folder = bare === '.' ? '' : `${bare}/`;
  const candidates = [
    bare,
    ...SCRIPT_EXTENSIONS.map((e) => bare + e),
    ...(TS_FOR_JS[ext] ?? []).map((e) => bare.slice(0, -ext.length) + e),
    ...SCRIPT_EXTENSIONS.map((e) => `${folder}index${e}`),
  ];
  return candidates.find((candidate) => files.has(candidate));
}
