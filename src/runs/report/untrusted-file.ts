import { lstat, type FileHandle } from 'node:fs/promises';
import { openRegularFile } from '../../artifacts/regular-file';

export { openRegularFile };

/** The bytes of an opened file up to the size fstat gave: a file that grows meanwhile cannot take more memory than was checked. */
export async function readOpened(file: { handle: FileHandle; size: number }): Promise<Buffer> {
  const bytes = Buffer.alloc(file.size);
  let read = 0;
  while (read < bytes.length) {
    const { bytesRead } = await file.handle.read(bytes, read, bytes.length - read, read);
    if (bytesRead === 0) break;
    read += bytesRead;
  }
  return bytes.subarray(0, read);
}

/** The whole of a regular file (see openRegularFile) of at most `maxBytes`; undefined otherwise. */
export async function readRegularFile(path: string, maxBytes: number): Promise<Buffer | undefined> {
  const file = await openRegularFile(path);
  if (!file) return undefined;
  try {
    return file.size > maxBytes ? undefined : await readOpened(file);
  } finally {
    await file.handle.close();
  }
}

/** Whether `path` is a directory itself, not a symlink to one (which could lead to another run's files). */
export async function isRealDirectory(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isDirectory();
  } catch {
    return false;
  }
}
