import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { dirname, extname, join, relative, sep } from 'node:path';

/** Where `pnpm build` puts the dashboard (vite, from web/): dist/web-app under the package root. */
export function webDistDirectory(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'dist', 'web-app');
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export interface WebFile {
  body: Buffer;
  contentType: string;
  etag: string;
}

/**
 * The built dashboard, read once into memory (about 100 KB): a request's path is looked up
 * in the list of built files, never joined onto a folder, so no spelling of `..` reaches
 * anything else. Empty when the dashboard was not built (the API still runs).
 */
export async function loadWebFiles(root = webDistDirectory()): Promise<Map<string, WebFile>> {
  const files = new Map<string, WebFile>();
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const absolute = join(entry.parentPath, entry.name);
    const body = await readFile(absolute);
    files.set(relative(root, absolute).split(sep).join('/'), {
      body,
      contentType: TYPES[extname(entry.name).toLowerCase()] ?? 'application/octet-stream',
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
    });
  }
  return files;
}
