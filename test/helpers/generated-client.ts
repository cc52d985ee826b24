import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '..', '..');

/**
 * What a client author does with the OpenAPI document: generate types with
 * openapi-typescript (its CLI, as users run it), then compile `usage` (code that imports
 * `paths` from './api' and calls through openapi-fetch) with the project's TypeScript.
 * Returns the compiler's errors, '' when it type-checks.
 */
export function typeCheckGeneratedClient(document: unknown, usage: string): { errors: string; generated: string } {
  const dir = mkdtempSync(join(tmpdir(), 'stevedore-openapi-'));
  try {
    writeFileSync(join(dir, 'openapi.json'), JSON.stringify(document));
    execFileSync(
      process.execPath,
      [
        join(ROOT, 'node_modules', 'openapi-typescript', 'bin', 'cli.js'),
        join(dir, 'openapi.json'),
        '-o',
        join(dir, 'api.ts'),
      ],
      { stdio: 'pipe' },
    );
    writeFileSync(join(dir, 'usage.ts'), usage);
    const program = ts.createProgram([join(dir, 'usage.ts')], {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      target: ts.ScriptTarget.ES2023,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      types: [],
      paths: { 'openapi-fetch': [join(ROOT, 'node_modules', 'openapi-fetch', 'dist', 'index.d.mts')] },
    });
    const errors = ts
      .getPreEmitDiagnostics(program)
      .map(
        (d) =>
          `${d.file ? `${d.file.fileName.replace(dir, '.')}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
      )
      .join('\n');
    return { errors, generated: ts.sys.readFile(join(dir, 'api.ts')) ?? '' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
