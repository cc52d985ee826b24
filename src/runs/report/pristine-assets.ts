import { readdir, readFile } from 'node:fs/promises';
import { dirname, extname, join, relative, sep } from 'node:path';

/**
 * The report app and the trace viewer as playwright-core ships them (the version the worker's
 * runner writes reports with), never the copies a sandbox wrote. A file is served only if it
 * is one of the files in that folder: the request's path is looked up in the list, never joined
 * onto a folder, so no spelling of `..` can reach anything else.
 */
const VITE_DIR = join(dirname(require.resolve('playwright-core/package.json')), 'lib', 'vite');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ttf': 'font/ttf',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
};

export interface PristineFile {
  body: Buffer;
  contentType: string;
}

type Folder = 'htmlReport' | 'traceViewer';
const listings = new Map<Folder, Promise<Map<string, string>>>();
const files = new Map<string, Promise<PristineFile>>();

/** The folder's files by their path inside it, with `/` separators. */
async function listing(folder: Folder): Promise<Map<string, string>> {
  const root = join(VITE_DIR, folder);
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return new Map(
    entries
      .filter((entry) => entry.isFile())
      .map((entry) => {
        const absolute = join(entry.parentPath, entry.name);
        return [relative(root, absolute).split(sep).join('/'), absolute] as const;
      }),
  );
}

/** One file of the folder, read once and kept (the two folders weigh about 2 MB); undefined if it has no such file. */
export async function pristineFile(folder: Folder, path: string): Promise<PristineFile | undefined> {
  let list = listings.get(folder);
  if (!list) listings.set(folder, (list = listing(folder)));
  const absolute = (await list).get(path);
  if (absolute === undefined) return undefined;
  let file = files.get(absolute);
  if (!file) {
    file = readFile(absolute).then((body) => ({
      body,
      contentType: TYPES[extname(absolute).toLowerCase()] ?? 'application/octet-stream',
    }));
    files.set(absolute, file);
  }
  return file;
}
